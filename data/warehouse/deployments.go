package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"strings"
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
	// OnPage, when set, is told of the page's deployments (without their health, checks
	// and tags) as soon as the page is read, before the statements that follow it: a caller
	// starts what depends only on the page (the live path's reads) while the warehouse
	// answers the rest. It runs once per call, on a goroutine of the call.
	OnPage func([]model.Deployment)
	// OneRound sends the page's follow-up statements beside it rather than after it: one
	// round trip instead of two, for a window (Since) no longer than OneRoundWithin; a page
	// they turn out not to have seen whole is read again after it.
	OneRound bool
}

// Cursor is the key of the last deployment of a page; the next page starts after it.
type Cursor = model.Cursor

// Page is one page of deployments, newest first. Next is nil on the last page.
type Page struct {
	Deployments []model.Deployment
	Next        *Cursor
	// Matching is how many deployments the query matches from the cursor on, this page's
	// included (on the first page: every deployment of the window), so a caller holding one
	// page can say "the newest 1,000 of 21,734".
	Matching int
	// Skipped counts the ledger rows of this page that could not be read as deployments;
	// the first page (no After) also counts the deploy_succeeded events of the query's
	// window that cannot be deployments (no event id, release id, bundle or time).
	Skipped model.Skipped
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
	f := pageFilter{bundle: q.Bundle, since: q.Since, after: q.After, limit: limit + 1, onPage: q.OnPage,
		oneRound: q.OneRound && !q.Since.IsZero()}
	pageCtx, inLine, paged := firstSlot(ctx)
	f.inLine, f.paged = inLine, paged
	var (
		ds       []model.Deployment
		matching int
		skipped  model.Skipped
		bad      model.Skipped
	)
	// The ledger rows that cannot be deployments are counted alongside the page, in the
	// same round trip. Discovered deployments are whole by construction: only the ledger
	// has rows to leave out.
	err := together(
		func() (err error) {
			defer paged()
			ds, matching, skipped, err = s.deployments(pageCtx, env, f)
			return
		},
		func() (err error) {
			if q.After == nil && !s.Discovers() {
				if err = after(ctx, inLine); err == nil {
					bad, err = s.notDeployments(ctx, env, q.Bundle, q.Since)
				}
			}
			return
		})
	if err != nil {
		return Page{}, err
	}
	p := Page{Skipped: skipped, Matching: matching}
	p.Skipped.Merge(bad)
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
	return s.GetDeploymentThen(ctx, env, releaseID, ReleaseLookup{})
}

// ReleaseLookup says how GetDeploymentThen reads a release's deployment.
type ReleaseLookup struct {
	// Found, when set, is told of the deployment, without its health, checks and tags, as
	// soon as it is found: before the statements that follow, so that what depends only on
	// it (the live path's reads) overlaps them (as DeploymentQuery.OnPage).
	Found func(model.Deployment)
	// LikelySince, when set, is where the deployment is looked for first: its follow-up
	// statements go out beside the page's, bounded by it (one round trip; a release someone
	// asks about is most often recent). A deployment older than that, or one whose
	// baseline is beyond the week before it, has them read again after the page (two).
	LikelySince time.Time
}

// GetDeploymentThen is GetDeployment read as l says.
func (s *Store) GetDeploymentThen(ctx context.Context, env Env, releaseID string, l ReleaseLookup) (model.Deployment, error) {
	if err := env.validate(); err != nil {
		return model.Deployment{}, err
	}
	bundle, _, err := model.ParseReleaseID(releaseID)
	if err != nil {
		return model.Deployment{}, fmt.Errorf("%w: %v", ErrInvalidInput, err)
	}
	f := pageFilter{bundle: bundle, releaseID: releaseID, limit: 1, likelySince: l.LikelySince,
		oneRound: !l.LikelySince.IsZero()}
	if l.Found != nil {
		f.onPage = func(ds []model.Deployment) { l.Found(ds[0]) }
	}
	pageCtx, inLine, paged := firstSlot(ctx)
	f.inLine, f.paged = inLine, paged
	defer paged()
	return s.one(pageCtx, env, f, "release "+releaseID)
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
	ds, _, _, err := s.deployments(ctx, env, f)
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
	onPage                func([]model.Deployment)
	oneRound              bool
	// likelySince bounds the follow-ups read beside a page without a window (a release's):
	// where its deployment is looked for first (ReleaseLookup).
	likelySince time.Time
	// inLine is closed once the page's statement is in line for a slot, or paged was
	// called (slots.go): what is read beside the page waits for that; nil waits for nothing.
	inLine <-chan struct{}
	paged  func()
}

// followSince is the window the follow-ups read beside the page select and scan.
func (f pageFilter) followSince() time.Time {
	if f.since.IsZero() {
		return f.likelySince
	}
	return f.since
}

// pageRead says that the page's read returned, its statement sent or not.
func (f pageFilter) pageRead() {
	if f.paged != nil {
		f.paged()
	}
}

// notify tells onPage of the page's deployments.
func (f pageFilter) notify(rows []pageRow) {
	if f.onPage == nil || len(rows) == 0 {
		return
	}
	ds := make([]model.Deployment, len(rows))
	for i, r := range rows {
		ds[i] = r.d
	}
	f.onPage(ds)
}

// pageRow is a deployment with what the page statement adds for tags and the baseline.
type pageRow struct {
	d          model.Deployment
	previousID string
	previousAt time.Time
	pinned     bool
	vetoed     bool
}

// deployments runs the statements of a page: the page itself and the health of its windows
// (and of the windows before them), its checks, its pre-deploy baselines and its
// expectations against their median before the deploy, with how many deployments the
// filters match from the cursor on: in two round trips, or in one (deployments_rounds.go).
func (s *Store) deployments(ctx context.Context, env Env, f pageFilter) ([]model.Deployment, int, model.Skipped, error) {
	var (
		rows     []pageRow
		fu       followUps
		matching int
		skipped  model.Skipped
		err      error
	)
	if f.oneRound {
		rows, fu, matching, skipped, err = s.oneRound(ctx, env, f)
	} else {
		rows, fu, matching, skipped, err = s.twoRounds(ctx, env, f)
	}
	if err != nil || len(rows) == 0 {
		return nil, matching, skipped, err
	}
	out := make([]model.Deployment, len(rows))
	for i, r := range rows {
		d := r.d
		d.Health = fu.health[d.ID]
		d.Health.BaselineRatio = -1
		// A previous deployment that checked no records has no ratio to compare with.
		if prev, ok := fu.health[r.previousID]; ok && prev.RecordsPassed+prev.RecordsFailed > 0 {
			d.Health.BaselineRatio = prev.ExpectationFailureRatio()
		}
		d.Health.Baseline = fu.baselines[d.ID]
		d.Health.Baseline.Lookback = BaselineLookback
		d.Health.Baseline.Expectation = fu.expectations[d.ID]
		d.Checks = model.CountChecks(fu.checks[d.ID])
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
	return out, matching, skipped, nil
}

// twoRounds reads a page, then its follow-ups: the page is the contiguous key range
// [last, first] of the same (environment, bundle) set, so they re-derive exactly its rows
// from that range, and bound their scans by its rows.
func (s *Store) twoRounds(ctx context.Context, env Env, f pageFilter) ([]pageRow, followUps, int, model.Skipped, error) {
	rows, matching, skipped, err := s.page(ctx, env, f)
	if err != nil || len(rows) == 0 {
		return nil, followUps{}, matching, skipped, err
	}
	f.notify(rows)
	bundle := f.bundle
	if f.id != "" {
		bundle = rows[0].d.Release.Bundle
	}
	fu, err := s.followUps(ctx, env, bundle, pageKeys(rows), boundsOf(rows))
	return rows, fu, matching, skipped, err
}

// together runs fs side by side and joins their errors.
func together(fs ...func() error) error {
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (s *Store) page(ctx context.Context, env Env, f pageFilter) ([]pageRow, int, model.Skipped, error) {
	since := f.since
	if since.IsZero() {
		since = epoch
	}
	hasCursor, cursorAt, cursorID := 0, ts(epoch), ""
	if f.after != nil {
		hasCursor, cursorAt, cursorID = 1, ts(f.after.DeployedAt), f.after.ID
	}
	args := append(deploymentsArgs(env.Name, f.bundle, since, true),
		env.Name, env.Name, // pins
		ts(since),
		f.releaseID, f.releaseID,
		f.id, f.id,
		hasCursor, cursorAt, cursorAt, cursorID,
		f.limit,
	)
	var out []pageRow
	var skipped model.Skipped
	matching := 0
	err := s.query(ctx, "listing deployments in "+env.Name, deploymentsPageSQL, args, func(rows *sql.Rows) error {
		vals, err := scanAny(rows, pageColumns)
		if err != nil {
			return err
		}
		if n := int(count(vals[pageColumns-1])); n > matching {
			matching = n
		}
		r, reason := decodePageRow(vals, env.Name)
		if reason != "" {
			skipped.Add(reason, text(vals[0]))
			return nil
		}
		out = append(out, r)
		return nil
	})
	return out, matching, skipped, err
}

// pageColumns is the number of columns of deployments_page.sql (the last is matching).
const pageColumns = 16

// decodePageRow builds a deployment from a row of deployments_page.sql, or says why the row
// cannot be one. Missing optional fields stay empty (shown as missing); a missing version is
// read from the release id.
func decodePageRow(v []any, env string) (pageRow, string) {
	var r pageRow
	id, ok := present(v[0])
	if !ok {
		return r, model.SkipNoEventID
	}
	releaseID, ok := present(v[1])
	if !ok {
		return r, model.SkipNoReleaseID
	}
	bundle, ok := present(v[2])
	if !ok {
		return r, model.SkipNoBundle
	}
	if v[7] == nil {
		return r, model.SkipNoTime
	}
	at, ok := when(v[7])
	if !ok {
		return r, model.SkipBadTime
	}
	source := model.SourceLedger
	if strings.HasPrefix(id, DiscoveredPrefix) {
		source = model.SourceDiscovered
	}
	version, ok := present(v[3])
	// A discovered deployment without a version is named by its time, not a version.
	if !ok && source == model.SourceLedger {
		if b, ver, err := model.ParseReleaseID(releaseID); err == nil && b == bundle {
			version = ver
		}
	}
	r.d = model.Deployment{
		ID:          id,
		Release:     model.Release{Bundle: bundle, Version: version, GitSHA: text(v[4])},
		Environment: env,
		DeployedAt:  at,
		DeployedBy:  text(v[5]),
		Ticket:      text(v[6]),
		Source:      source,
	}
	end, hasEnd := when(v[8])
	r.d.Window = model.Window{Start: at}
	if hasEnd {
		r.d.Window.End = end
	}
	r.d.Current = v[8] == nil
	r.previousID, r.previousAt = text(v[9]), whenOrZero(v[10])
	r.pinned, r.vetoed = truth(v[11]), truth(v[12])
	// The deployment before, as previous_deployment.sql finds it (the same events in the
	// same order), so that the release's screens need not ask: none when the window is
	// the bundle's first.
	r.d.Previous = &model.PreviousDeployment{}
	if prevAt, ok := when(v[10]); ok && r.previousID != "" {
		r.d.Previous = &model.PreviousDeployment{ID: r.previousID, ReleaseID: text(v[13]), GitSHA: text(v[14]), DeployedAt: prevAt}
	}
	return r, ""
}

// health returns the Health of every window of the page and of the window before each,
// by deployment id (BaselineRatio unset), and the ids of the page's own windows.
func (s *Store) health(ctx context.Context, env Env, bundle string, sel pageSel, b scanBounds) (map[string]model.Health, []string, error) {
	// Scan bounds: runs only for the page's windows, updates also for the previous ones.
	runsFrom, updatesFrom := b.from.Add(-sliceMargin), b.updatesFrom().Add(-sliceMargin)
	args := append(deploymentsArgs(env.Name, bundle, sel.from(), true), sel.args()...)
	args = append(args,
		env.Name,                                // resources
		env.WorkspaceID, ts(runsFrom), ts(b.to), // {{job_runs}}
		env.WorkspaceID, ts(updatesFrom), ts(b.to), // {{pipeline_updates}}
		env.WorkspaceID, ts(updatesFrom), // records
	)
	out := map[string]model.Health{}
	var inPage []string
	err := s.query(ctx, "reading the health of deployments in "+env.Name, sel.sql(deploymentsHealthSQL), args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 9)
		if err != nil {
			return err
		}
		if id, h, ok := decodeHealth(v); ok {
			out[id] = h
			if truth(v[1]) {
				inPage = append(inPage, id)
			}
		}
		return nil
	})
	return out, inPage, err
}

// pageChecks returns the checks of each deployment of the page (from its deploy up to its
// release's own next deployment in the environment), by deployment id.
func (s *Store) pageChecks(ctx context.Context, env Env, bundle string, sel pageSel) (map[string][]model.Check, error) {
	args := append(deploymentsArgs(env.Name, bundle, sel.from(), false), sel.args()...)
	args = append(args, env.Name)
	out := map[string][]model.Check{}
	err := s.query(ctx, "reading the checks of deployments in "+env.Name, sel.sql(deploymentsChecksSQL), args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 5)
		if err != nil {
			return err
		}
		if id, ok := present(v[0]); ok {
			out[id] = append(out[id], decodeCheck(v[1:]))
		}
		return nil
	})
	return out, err
}

// decodeHealth reads a row of deployments_health.sql: deployment id, in page, then the
// counts (NULL or unreadable counts are 0: they are aggregates the statement computes).
func decodeHealth(v []any) (string, model.Health, bool) {
	id, ok := present(v[0])
	if !ok {
		return "", model.Health{}, false
	}
	return id, model.Health{
		RunsSucceeded: int(count(v[2])), RunsFailed: int(count(v[3])), RunsActive: int(count(v[4])),
		UpdatesOK: int(count(v[5])), UpdatesFailed: int(count(v[6])),
		RecordsPassed: count(v[7]), RecordsFailed: count(v[8]),
	}, true
}

//go:embed not_deployments.sql
var notDeploymentsSQL string

// notDeployments counts the deploy_succeeded events of an environment (and bundle, and
// window) that cannot be deployments, with their event ids: frag_deployments.sql leaves them
// out so that they cut no deployment's window.
func (s *Store) notDeployments(ctx context.Context, env Env, bundle string, since time.Time) (model.Skipped, error) {
	if since.IsZero() {
		since = epoch
	}
	var out model.Skipped
	args := []any{env.Name, bundle, bundle, ts(since)}
	err := s.query(ctx, "counting the ledger rows of "+env.Name+" that are no deployment", notDeploymentsSQL, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 4)
		if err != nil {
			return err
		}
		id, hasID := present(v[0])
		switch {
		case !hasID:
			out.Add(model.SkipNoEventID, "")
		case truth(v[1]):
			out.Add(model.SkipNoReleaseID, id)
		case truth(v[2]):
			out.Add(model.SkipNoBundle, id)
		default:
			out.Add(model.SkipNoTime, id)
		}
		return nil
	})
	return out, err
}
