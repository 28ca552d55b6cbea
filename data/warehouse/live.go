package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

//go:embed live_known.sql
var liveKnownSQL string

// LiveScope is what the live path needs of the warehouse for the open windows of an
// environment: what it already holds since an instant and the resources of their releases.
type LiveScope struct {
	Known model.Known
	// Jobs and Pipelines are the job ids and pipeline ids of each release, by release id.
	Jobs      map[string][]string
	Pipelines map[string][]string
	// Since is where the live feed must start for the system tables and the feed to meet:
	// anything the tables lack started at or after it (live_known.sql). Zero when they hold
	// nothing since the oldest open window; Known holds what started at or after it.
	Since time.Time
	// Open and OldestOpen are the releases of the open windows and the oldest one's start,
	// when the statement found them (LiveScopeOfWindow).
	Open       []string
	OldestOpen time.Time
}

// LiveScope reads, in one statement, from when the live feed must read (at or after
// oldestOpen, the start of the oldest open window), the runs, updates and expectation
// results the system tables hold from then, and the resources of the releases named.
func (s *Store) LiveScope(ctx context.Context, env Env, oldestOpen time.Time, releaseIDs []string) (LiveScope, error) {
	out := newLiveScope()
	if err := env.validate(); err != nil {
		return out, err
	}
	if len(releaseIDs) == 0 {
		return out, nil
	}
	if s.trace != nil {
		s.trace(liveKnownSQL)
	}
	text := strings.Replace(liveKnownSQL, "IN (?)", "IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(releaseIDs)), ", ")+")", 1)
	from := ts(oldestOpen)
	args := []any{env.WorkspaceID, from, env.WorkspaceID, from, env.WorkspaceID, from, env.Name}
	for _, id := range releaseIDs {
		args = append(args, id)
	}
	var cut time.Time
	err := s.light().query(ctx, "reading what the system tables hold of the open windows", text, args, out.scanner(&cut))
	out.Since = cutAfter(cut, oldestOpen)
	return out, err
}

//go:embed live_window.sql
var liveWindowTemplate string

// liveWindowSQL is live_window.sql with live_known.sql spliced in, its releases those of
// open_windows.
var liveWindowSQL = strings.Replace(liveWindowTemplate, "{{live_known}}",
	strings.Replace(strings.TrimPrefix(strings.TrimSpace(stripComments(liveKnownSQL)), "WITH "),
		"r.release_id IN (?)", "r.release_id IN (SELECT o.release_id FROM open_windows AS o)", 1), 1)

// LiveScopeOfWindow is LiveScope for the live windows (open, or closed less than
// model.LiveFor before now) of the deployments of an environment (and bundle) deployed at
// or after since, found by the same statement: it
// needs no page first, so it goes out beside the page's statements (one round trip). It
// holds the releases of those windows (Open) and their oldest start (OldestOpen); what the
// tables hold is read from since, so Known may hold more than the windows need.
func (s *Store) LiveScopeOfWindow(ctx context.Context, env Env, bundle string, since, now time.Time) (LiveScope, error) {
	out := newLiveScope()
	if err := env.validate(); err != nil {
		return out, err
	}
	if s.trace != nil {
		s.trace(liveWindowSQL)
	}
	from := ts(since)
	args := append(deploymentsArgs(env.Name, bundle, since, false), ts(now.Add(-model.LiveFor)), from, env.WorkspaceID, from, env.WorkspaceID, from, env.WorkspaceID, from, env.Name)
	var cut time.Time
	err := s.light().query(ctx, "reading what the system tables hold of the open windows", liveWindowSQL, args, out.scanner(&cut))
	out.Since = cutAfter(cut, out.OldestOpen)
	return out, err
}

func newLiveScope() LiveScope {
	return LiveScope{Known: model.Known{Runs: map[string]string{}, Updates: map[string]string{}, Expectations: map[string]bool{}},
		Jobs: map[string][]string{}, Pipelines: map[string][]string{}}
}

// scanner reads the rows of live_known.sql or live_window.sql into out, and the cut into cut.
func (out *LiveScope) scanner(cut *time.Time) func(*sql.Rows) error {
	return func(rows *sql.Rows) error {
		var kind string
		var release, rtype, id, state sql.NullString
		var at sql.NullTime
		if err := rows.Scan(&kind, &release, &rtype, &id, &state, &at); err != nil {
			return err
		}
		switch kind {
		case "cut":
			if at.Valid {
				*cut = at.Time.UTC()
			}
		case "open":
			out.Open = append(out.Open, release.String)
			if at.Valid && (out.OldestOpen.IsZero() || at.Time.Before(out.OldestOpen)) {
				out.OldestOpen = at.Time.UTC()
			}
		case "run":
			out.Known.Runs[id.String] = state.String
		case "update":
			out.Known.Updates[id.String] = state.String
		case "expectations":
			out.Known.Expectations[id.String] = true
		case "resource":
			switch rtype.String {
			case "job":
				out.Jobs[release.String] = append(out.Jobs[release.String], id.String)
			case "pipeline":
				out.Pipelines[release.String] = append(out.Pipelines[release.String], id.String)
			}
		}
		return nil
	}
}

// cutAfter is the cut when it is after the oldest open window, else zero (the feed reads
// from the window).
func cutAfter(cut, oldestOpen time.Time) time.Time {
	if cut.After(oldestOpen) {
		return cut
	}
	return time.Time{}
}
