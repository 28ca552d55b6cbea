package warehouse

import (
	"context"
	_ "embed"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// A page of deployments costs its statements' round trips: against a remote warehouse each
// answers hundreds of milliseconds late. The follow-up statements (health, checks,
// baselines, expectations) need the page's rows and the bounds of their system-table
// scans. Read after the page, they take them from its rows (two round trips). Read beside
// it (one round trip, OneRound), they select the page with its own filter and bound their
// scans by the filter's window; the page then tells whether they saw what it holds, and
// the rare page they did not see whole is read again the first way.

//go:embed frag_page_filter.sql
var fragPageFilter string

// pageSel selects a page's rows in a follow-up statement: the text its {{page}} stands for
// and that fragment's parameters.
type pageSel interface {
	sql(statement string) string
	args() []any
	// from is the earliest deployed_at the page can hold: the bound of its {{deployments}}.
	from() time.Time
}

// deploymentsArgs are the parameters of frag_deployments.sql: the deployments of an
// environment (and bundle) at or after from and, when previous is set (for a statement that
// reads their previous_* columns), the one before each bundle's first.
func deploymentsArgs(env, bundle string, from time.Time, previous bool) []any {
	f, near, p := ts(from), ts(from.Add(-previousNear)), 0
	if previous {
		p = 1
	}
	return []any{
		p, env, bundle, bundle, f, // recent_bundles
		p, env, bundle, bundle, near, f, // near_before
		env, near, // last_before, beyond the week
		env, bundle, bundle, f, // deploys since from
		env, // the deploys of last_before
	}
}

// previousNear is how far before a statement's bound frag_deployments.sql first looks for
// each bundle's deployment before it; only a bundle without one that recent costs a scan
// of the whole history.
const previousNear = 7 * 24 * time.Hour

// keyRange is the first (newest) and last (oldest) key of a page read: frag_page.sql.
type keyRange struct{ lo, hi Cursor }

func pageKeys(rows []pageRow) keyRange {
	first, last := rows[0].d, rows[len(rows)-1].d
	return keyRange{lo: Cursor{DeployedAt: last.DeployedAt, ID: last.ID}, hi: Cursor{DeployedAt: first.DeployedAt, ID: first.ID}}
}

func (k keyRange) sql(statement string) string { return statement }

func (k keyRange) from() time.Time { return k.lo.DeployedAt }

func (k keyRange) args() []any {
	lo, hi := ts(k.lo.DeployedAt), ts(k.hi.DeployedAt)
	return []any{lo, lo, k.lo.ID, hi, hi, k.hi.ID}
}

// filterSel is the page's filter itself, for follow-ups sent beside the page:
// frag_page_filter.sql.
type filterSel struct {
	since     time.Time
	after     *Cursor
	releaseID string
	limit     int
}

var filterPage = strings.TrimSpace(stripComments(fragPageFilter))

func (f filterSel) sql(statement string) string {
	return strings.Replace(statement, "{{page}}", filterPage, 1)
}

func (f filterSel) from() time.Time { return f.since }

func (f filterSel) args() []any {
	hasCursor, cursorAt, cursorID := 0, ts(epoch), ""
	if f.after != nil {
		hasCursor, cursorAt, cursorID = 1, ts(f.after.DeployedAt), f.after.ID
	}
	return []any{ts(f.since), hasCursor, cursorAt, cursorAt, cursorID, f.releaseID, f.releaseID, f.limit}
}

// scanBounds bound the system-table scans of a page's follow-up statements.
type scanBounds struct {
	// from is the earliest window start of the page; to is the end of the slice scan that
	// sees how its windows' runs ended (scanTo of the latest window end).
	from, to time.Time
	// previous is the earliest start of a window before one of the page's (whose
	// expectation failure ratio is the baseline ratio); zero when no deployment of the page
	// has one older than from.
	previous time.Time
}

// boundsOf are the bounds the rows of a page need.
func boundsOf(rows []pageRow) scanBounds {
	var b scanBounds
	b.from = rows[0].d.Window.Start
	for _, r := range rows {
		if r.d.Window.Start.Before(b.from) {
			b.from = r.d.Window.Start
		}
		if t := scanTo(r.d.Window.End); t.After(b.to) {
			b.to = t
		}
	}
	for _, r := range rows {
		if r.previousID != "" && r.previousAt.Before(b.from) && (b.previous.IsZero() || r.previousAt.Before(b.previous)) {
			b.previous = r.previousAt
		}
	}
	return b
}

// boundsOfWindow are bounds that hold every page of deployments at or after since, as long
// as no deployment before one of them is more than BaselineLookback older than since: the
// follow-ups scan those days anyway, for the baselines.
func boundsOfWindow(since time.Time) scanBounds {
	return scanBounds{from: since, to: openEnd, previous: since.Add(-BaselineLookback)}
}

// updatesFrom is where the scan of pipeline updates and their records starts: at the
// earliest window, the page's or one before them.
func (b scanBounds) updatesFrom() time.Time {
	if !b.previous.IsZero() && b.previous.Before(b.from) {
		return b.previous
	}
	return b.from
}

// covers says whether scans within b see everything scans within c see.
func (b scanBounds) covers(c scanBounds) bool {
	return !b.from.After(c.from) && !b.to.Before(c.to) && !b.updatesFrom().After(c.updatesFrom())
}

// OneRoundWithin is the longest window whose page is read in one round trip (the page
// beside its follow-ups): their scans then cover the whole window and the baseline week
// before it rather than the page's own span, which for a long window would cost more than
// the round trip saves.
const OneRoundWithin = 8 * 24 * time.Hour

// followUps are what the statements after a page add to its rows.
type followUps struct {
	health       map[string]model.Health
	inPage       []string // the ids health found in the page, in no order
	checks       map[string][]model.Check
	baselines    map[string]model.Baseline
	expectations map[string]model.ExpectationChange
}

// followUps runs the four follow-up statements of a page side by side. A store over an
// engine that cannot hold them all at once is Limited.
func (s *Store) followUps(ctx context.Context, env Env, bundle string, sel pageSel, b scanBounds) (followUps, error) {
	var f followUps
	err := together(
		func() (err error) { f.health, f.inPage, err = s.health(ctx, env, bundle, sel, b); return },
		func() (err error) { f.checks, err = s.pageChecks(ctx, env, bundle, sel); return },
		func() (err error) { f.baselines, err = s.baselines(ctx, env, bundle, sel, b); return },
		func() (err error) { f.expectations, err = s.worstExpectations(ctx, env, bundle, sel, b); return })
	return f, err
}

// oneRound reads a page and its follow-ups side by side. When the follow-ups did not see
// the page's rows (a deployment landed between the statements, or a release's deployment is
// older than where it was looked for) or their scans fall short of what the rows need (a
// deployment before one of them is older than the window's baseline week), they are read
// again from the rows: a second round trip, only then.
func (s *Store) oneRound(ctx context.Context, env Env, f pageFilter) ([]pageRow, followUps, int, model.Skipped, error) {
	var (
		rows     []pageRow
		matching int
		skipped  model.Skipped
		fu       followUps
	)
	since := f.followSince()
	spec := boundsOfWindow(since)
	err := together(
		func() (err error) {
			defer f.pageRead()
			if rows, matching, skipped, err = s.page(ctx, env, f); err == nil {
				f.notify(rows)
			}
			return err
		},
		func() (err error) {
			if err = after(ctx, f.inLine); err != nil {
				return err
			}
			fu, err = s.followUps(ctx, env, f.bundle, filterSel{since: since, after: f.after, releaseID: f.releaseID, limit: f.limit}, spec)
			return err
		})
	if err != nil || len(rows) == 0 {
		return nil, followUps{}, matching, skipped, err
	}
	if sawPage(rows, skipped.Total(), fu.inPage) && spec.covers(boundsOf(rows)) {
		return rows, fu, matching, skipped, nil
	}
	fu, err = s.followUps(ctx, env, f.bundle, pageKeys(rows), boundsOf(rows))
	return rows, fu, matching, skipped, err
}

// sawPage says whether the ids a follow-up found in its page are those of the page read:
// its rows, and as many more as the page left out as unreadable.
func sawPage(rows []pageRow, left int, ids []string) bool {
	if len(ids) != len(rows)+left {
		return false
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		seen[id] = true
	}
	for _, r := range rows {
		if !seen[r.d.ID] {
			return false
		}
	}
	return true
}
