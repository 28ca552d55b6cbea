package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// The ledger reads the actions need (DESIGN §6): a bundle's events, from which
// model.DeriveState folds pins, vetoes, approvals, requests in flight and verified
// deployments; a release's checks; the resources a release deploys; and the run outcomes
// an error budget is computed from. The writes are AppendEvents (idempotent on event_id).

//go:embed bundle_events.sql
var bundleEventsSQL string

//go:embed release_checks.sql
var releaseChecksSQL string

//go:embed bundle_resources.sql
var bundleResourcesSQL string

//go:embed bundle_tallies.sql
var bundleTalliesSQL string

// BundleEvents returns the ledger events of a bundle in every environment, except checks,
// oldest first, each event once.
func (s *Store) BundleEvents(ctx context.Context, bundle string) ([]model.LedgerEvent, error) {
	if bundle == "" {
		return nil, fmt.Errorf("%w: a bundle is required", ErrInvalidInput)
	}
	var out []model.LedgerEvent
	err := s.query(ctx, "reading the ledger of "+bundle, bundleEventsSQL, []any{bundle}, func(rows *sql.Rows) error {
		e, err := scanEvent(rows)
		out = append(out, e)
		return err
	})
	return out, err
}

// scanEvent reads one release_events row in column order, decoded as the Audit tab's rows.
func scanEvent(rows *sql.Rows) (model.LedgerEvent, error) {
	v, err := scanAny(rows, 14)
	if err != nil {
		return model.LedgerEvent{}, err
	}
	return decodeEvent(v), nil
}

// ReleaseChecks returns the checks of a release in every environment, oldest first.
func (s *Store) ReleaseChecks(ctx context.Context, releaseID string) ([]model.Check, error) {
	var out []model.Check
	err := s.query(ctx, "reading the checks of "+releaseID, releaseChecksSQL, []any{releaseID}, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 4)
		if err != nil {
			return err
		}
		out = append(out, decodeCheck(v))
		return nil
	})
	return out, err
}

// ReleaseResources returns the jobs and pipelines a release deploys in an environment.
func (s *Store) ReleaseResources(ctx context.Context, releaseID, env string) ([]model.ReleaseResource, error) {
	var out []model.ReleaseResource
	err := s.query(ctx, "reading the resources of "+releaseID, bundleResourcesSQL, []any{releaseID, env}, func(rows *sql.Rows) error {
		var r model.ReleaseResource
		var name sql.NullString
		if err := rows.Scan(&r.ReleaseID, &r.Environment, &r.ResourceType, &r.ResourceKey, &r.ResourceID, &name); err != nil {
			return err
		}
		r.Name = name.String
		out = append(out, r)
		return nil
	})
	return out, err
}

// BundleTallies counts the finished runs of a bundle's jobs in an environment per hour of
// their end, for ends in [from, to): the input of model.ComputeBudget.
func (s *Store) BundleTallies(ctx context.Context, env Env, bundle string, from, to time.Time) ([]model.Tally, error) {
	if err := env.validate(); err != nil {
		return nil, err
	}
	args := []any{env.Name, bundle, env.Name, env.WorkspaceID, ts(from.Add(-sliceMargin)), ts(to), ts(from), ts(to)}
	var out []model.Tally
	err := s.query(ctx, "counting the runs of "+bundle+" in "+env.Name, bundleTalliesSQL, args, func(rows *sql.Rows) error {
		var t model.Tally
		var good, bad int64
		if err := rows.Scan(&t.At, &good, &bad); err != nil {
			return err
		}
		t.At, t.Good, t.Bad = t.At.UTC(), int(good), int(bad)
		out = append(out, t)
		return nil
	})
	return out, err
}

//go:embed event_by_id.sql
var eventByIDSQL string

// EventByID reads one ledger event; an unknown id is ErrNotFound.
func (s *Store) EventByID(ctx context.Context, id string) (model.LedgerEvent, error) {
	var out model.LedgerEvent
	found := false
	err := s.query(ctx, "reading ledger event "+id, eventByIDSQL, []any{id}, func(rows *sql.Rows) error {
		e, err := scanEvent(rows)
		out, found = e, true
		return err
	})
	if err == nil && !found {
		err = fmt.Errorf("ledger event %s: %w", id, ErrNotFound)
	}
	return out, err
}

//go:embed recent_requests.sql
var recentRequestsSQL string

// RecentRequestEvents returns the request-related events (deploy_requested, deploy_started,
// results, approvals, rejections) of every bundle at or after since, oldest first.
func (s *Store) RecentRequestEvents(ctx context.Context, since time.Time) ([]model.LedgerEvent, error) {
	var out []model.LedgerEvent
	err := s.query(ctx, "reading the recent requests", recentRequestsSQL, []any{ts(since)}, func(rows *sql.Rows) error {
		e, err := scanEvent(rows)
		out = append(out, e)
		return err
	})
	return out, err
}
