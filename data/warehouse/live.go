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
}

// LiveScope reads, in one statement, from when the live feed must read (at or after
// oldestOpen, the start of the oldest open window), the runs, updates and expectation
// results the system tables hold from then, and the resources of the releases named.
func (s *Store) LiveScope(ctx context.Context, env Env, oldestOpen time.Time, releaseIDs []string) (LiveScope, error) {
	out := LiveScope{Known: model.Known{Runs: map[string]string{}, Updates: map[string]string{}, Expectations: map[string]bool{}},
		Jobs: map[string][]string{}, Pipelines: map[string][]string{}}
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
	err := s.light().query(ctx, "reading what the system tables hold of the open windows", text, args, func(rows *sql.Rows) error {
		var kind string
		var release, rtype, id, state sql.NullString
		var at sql.NullTime
		if err := rows.Scan(&kind, &release, &rtype, &id, &state, &at); err != nil {
			return err
		}
		switch kind {
		case "cut":
			if at.Valid && at.Time.After(oldestOpen) {
				out.Since = at.Time.UTC()
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
	})
	return out, err
}
