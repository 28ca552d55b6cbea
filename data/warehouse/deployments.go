package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// Page sizes of ListDeployments.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// DeploymentQuery selects deployments of an environment.
type DeploymentQuery struct {
	// Bundle keeps one bundle's deployments; empty keeps all. It is a parameter like any
	// value: a name with quotes simply matches nothing.
	Bundle string
	// Since keeps deployments at or after it; zero keeps all.
	Since time.Time
	// Limit is the page size: 0 means DefaultLimit, more than MaxLimit is invalid.
	Limit int
	// After continues from a previous page's Next.
	After *Cursor
}

// Cursor is the key of the last deployment of a page; the next page starts after it.
type Cursor struct {
	DeployedAt time.Time
	ID         string
}

// Page is one page of deployments, newest first. Next is nil on the last page.
type Page struct {
	Deployments []model.Deployment
	Next        *Cursor
}

//go:embed deployments_page.sql
var deploymentsPageSQL string

//go:embed deployments_health.sql
var deploymentsHealthSQL string

//go:embed deployments_checks.sql
var deploymentsChecksSQL string

// ListDeployments returns a page of an environment's deployments, newest first, with their
// window, health (runs, updates, expectation records, baseline ratio), check counts and tags.
// It pages first and then aggregates only the page's windows, so its cost does not grow
// with the history. The verdict is the caller's: model.Assess(d.Health, d.Checks, d.Window, ...).
func (s *Store) ListDeployments(ctx context.Context, env Env, q DeploymentQuery) (Page, error) {
	if err := env.validate(); err != nil {
		return Page{}, err
	}
	limit := q.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0 || limit > MaxLimit:
		return Page{}, fmt.Errorf("%w: page size %d is not between 1 and %d", ErrInvalidInput, q.Limit, MaxLimit)
	}
	f := pageFilter{bundle: q.Bundle, since: q.Since, after: q.After, limit: limit + 1}
	ds, err := s.deployments(ctx, env, f)
	if err != nil {
		return Page{}, err
	}
	var p Page
	if len(ds) > limit {
		ds = ds[:limit]
		last := ds[limit-1]
		p.Next = &Cursor{DeployedAt: last.DeployedAt, ID: last.ID}
	}
	p.Deployments = ds
	return p, nil
}

// GetDeployment returns the newest deployment of a release in an environment.
func (s *Store) GetDeployment(ctx context.Context, env Env, releaseID string) (model.Deployment, error) {
	if err := env.validate(); err != nil {
		return model.Deployment{}, err
	}
	bundle, _, err := model.ParseReleaseID(releaseID)
	if err != nil {
		return model.Deployment{}, fmt.Errorf("%w: %v", ErrInvalidInput, err)
	}
	return s.one(ctx, env, pageFilter{bundle: bundle, releaseID: releaseID, limit: 1}, "release "+releaseID)
}

// GetDeploymentByID returns the deployment whose deploy_succeeded event has this id.
func (s *Store) GetDeploymentByID(ctx context.Context, env Env, id string) (model.Deployment, error) {
	if err := env.validate(); err != nil {
		return model.Deployment{}, err
	}
	if id == "" {
		return model.Deployment{}, fmt.Errorf("%w: empty deployment id", ErrInvalidInput)
	}
	return s.one(ctx, env, pageFilter{id: id, limit: 1}, "deployment "+id)
}

func (s *Store) one(ctx context.Context, env Env, f pageFilter, what string) (model.Deployment, error) {
	ds, err := s.deployments(ctx, env, f)
	if err != nil {
		return model.Deployment{}, err
	}
	if len(ds) == 0 {
		return model.Deployment{}, fmt.Errorf("%s in %s: %w", what, env.Name, ErrNotFound)
	}
	return ds[0], nil
}

// pageFilter selects the rows of deployments_page.sql.
type pageFilter struct {
	bundle, releaseID, id string
	since                 time.Time
	after                 *Cursor
	limit                 int
}

// pageRow is a deployment with what the page statement adds for tags and the baseline.
type pageRow struct {
	d          model.Deployment
	previousID string
	previousAt time.Time
	pinned     bool
	vetoed     bool
}

// deployments runs the three statements of a page: the page itself, the health of its
// windows (and of the windows before them), and its checks.
func (s *Store) deployments(ctx context.Context, env Env, f pageFilter) ([]model.Deployment, error) {
	rows, err := s.page(ctx, env, f)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	// The page is the contiguous key range [last, first] of the same (environment, bundle)
	// set, so the follow-up statements re-derive exactly its rows from that range.
	keys := pageKeys(rows)
	bundle := f.bundle
	if f.id != "" {
		bundle = rows[0].d.Release.Bundle
	}
	// Health and checks are independent: run them side by side, one round trip instead of two.
	var (
		wg                   sync.WaitGroup
		health               map[string]model.Health
		checks               map[string][]model.Check
		healthErr, checksErr error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		health, healthErr = s.health(ctx, env, bundle, keys, rows)
	}()
	go func() {
		defer wg.Done()
		checks, checksErr = s.pageChecks(ctx, env, bundle, keys)
	}()
	wg.Wait()
	if err := errors.Join(healthErr, checksErr); err != nil {
		return nil, err
	}
	out := make([]model.Deployment, len(rows))
	for i, r := range rows {
		d := r.d
		d.Health = health[d.ID]
		d.Health.BaselineRatio = -1
		// A previous deployment that checked no records has no ratio to compare with.
		if prev, ok := health[r.previousID]; ok && prev.RecordsPassed+prev.RecordsFailed > 0 {
			d.Health.BaselineRatio = prev.ExpectationFailureRatio()
		}
		d.Checks = model.CountChecks(checks[d.ID])
		if d.Current {
			d.Tags = append(d.Tags, model.TagCurrent)
			if r.pinned {
				d.Tags = append(d.Tags, model.TagPinned)
			}
		}
		if r.vetoed {
			d.Tags = append(d.Tags, model.TagVetoed)
		}
		out[i] = d
	}
	return out, nil
}

func (s *Store) page(ctx context.Context, env Env, f pageFilter) ([]pageRow, error) {
	since := f.since
	if since.IsZero() {
		since = epoch
	}
	hasCursor, cursorAt, cursorID := 0, ts(epoch), ""
	if f.after != nil {
		hasCursor, cursorAt, cursorID = 1, ts(f.after.DeployedAt), f.after.ID
	}
	args := []any{
		env.Name, f.bundle, f.bundle, // {{deployments}}
		env.Name, // pins
		ts(since),
		f.releaseID, f.releaseID,
		f.id, f.id,
		hasCursor, cursorAt, cursorAt, cursorID,
		f.limit,
	}
	var out []pageRow
	err := s.query(ctx, "listing deployments in "+env.Name, deploymentsPageSQL, args, func(rows *sql.Rows) error {
		var r pageRow
		var releaseID string // bundle@version; the parts come as columns
		var gitSHA, actor, ticket, previousID sql.NullString
		var windowEnd, previousAt sql.NullTime
		if err := rows.Scan(&r.d.ID, &releaseID, &r.d.Release.Bundle,
			&r.d.Release.Version, &gitSHA, &actor, &ticket, &r.d.DeployedAt, &windowEnd, &previousID,
			&previousAt, &r.pinned, &r.vetoed); err != nil {
			return err
		}
		r.d.Release.GitSHA, r.d.DeployedBy, r.d.Ticket = gitSHA.String, actor.String, ticket.String
		r.d.Environment = env.Name
		r.d.DeployedAt = r.d.DeployedAt.UTC()
		r.d.Window = model.Window{Start: r.d.DeployedAt, End: timeOrZero(windowEnd)}
		r.d.Current = !windowEnd.Valid
		r.previousID, r.previousAt = previousID.String, timeOrZero(previousAt)
		out = append(out, r)
		return nil
	})
	return out, err
}

// keyRange is the first (newest) and last (oldest) key of a page.
type keyRange struct{ lo, hi Cursor }

func pageKeys(rows []pageRow) keyRange {
	first, last := rows[0].d, rows[len(rows)-1].d
	return keyRange{lo: Cursor{last.DeployedAt, last.ID}, hi: Cursor{first.DeployedAt, first.ID}}
}

func (k keyRange) args() []any {
	lo, hi := ts(k.lo.DeployedAt), ts(k.hi.DeployedAt)
	return []any{lo, lo, k.lo.ID, hi, hi, k.hi.ID}
}

// health returns the Health of every window of the page and of the window before each,
// by deployment id (BaselineRatio unset).
func (s *Store) health(ctx context.Context, env Env, bundle string, keys keyRange, rows []pageRow) (map[string]model.Health, error) {
	// Scan bounds: runs only for the page's windows, updates also for the previous ones.
	runsFrom, runsTo := rows[0].d.Window.Start, time.Time{}
	for _, r := range rows {
		if r.d.Window.Start.Before(runsFrom) {
			runsFrom = r.d.Window.Start
		}
		if to := scanTo(r.d.Window.End); to.After(runsTo) {
			runsTo = to
		}
	}
	updatesFrom := runsFrom
	for _, r := range rows {
		if r.previousID != "" && r.previousAt.Before(updatesFrom) {
			updatesFrom = r.previousAt
		}
	}
	runsFrom, updatesFrom = runsFrom.Add(-sliceMargin), updatesFrom.Add(-sliceMargin)
	args := append([]any{env.Name, bundle, bundle}, keys.args()...)
	args = append(args,
		env.Name,                                  // resources
		env.WorkspaceID, ts(runsFrom), ts(runsTo), // {{job_runs}}
		env.WorkspaceID, ts(updatesFrom), ts(runsTo), // {{pipeline_updates}}
		env.WorkspaceID, ts(updatesFrom), // records
	)
	out := map[string]model.Health{}
	err := s.query(ctx, "reading the health of deployments in "+env.Name, deploymentsHealthSQL, args, func(rows *sql.Rows) error {
		var id string
		var inPage bool
		var runsOK, runsFailed, runsActive, updOK, updFailed, passed, failed int64
		if err := rows.Scan(&id, &inPage, &runsOK, &runsFailed, &runsActive, &updOK, &updFailed, &passed, &failed); err != nil {
			return err
		}
		out[id] = model.Health{
			RunsSucceeded: int(runsOK), RunsFailed: int(runsFailed), RunsActive: int(runsActive),
			UpdatesOK: int(updOK), UpdatesFailed: int(updFailed),
			RecordsPassed: passed, RecordsFailed: failed,
		}
		return nil
	})
	return out, err
}

// pageChecks returns the checks reported inside each window of the page, by deployment id.
func (s *Store) pageChecks(ctx context.Context, env Env, bundle string, keys keyRange) (map[string][]model.Check, error) {
	args := append([]any{env.Name, bundle, bundle}, keys.args()...)
	args = append(args, env.Name)
	out := map[string][]model.Check{}
	err := s.query(ctx, "reading the checks of deployments in "+env.Name, deploymentsChecksSQL, args, func(rows *sql.Rows) error {
		var id string
		var status, details sql.NullString
		var at time.Time
		if err := rows.Scan(&id, &status, &details, &at); err != nil {
			return err
		}
		out[id] = append(out[id], parseCheck(status.String, details.String, at))
		return nil
	})
	return out, err
}
