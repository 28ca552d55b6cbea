package source

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// AuditEvents are an environment's newest ledger events (checks left out), newest first, at
// most limit: who did what, when, with which ticket and reason (the :audit screen).
func (s *Source) AuditEvents(ctx context.Context, env string, limit int) ([]model.LedgerEvent, error) {
	return call(s, ctx, env, func(ctx context.Context, e *Environment) ([]model.LedgerEvent, error) {
		return s.ledger.EnvironmentEvents(ctx, env, limit)
	})
}

// BoardHistory is how far back the promotion board reads deployments and requests; pins and
// vetoes are read whatever their age.
const BoardHistory = 14 * 24 * time.Hour

// BundleStates folds the ledger into every bundle's state (model.DeriveState): its current
// deployment and verdict per environment, pins, vetoes, requests awaiting approval and
// requests in flight. Deployments and requests older than BoardHistory are left out.
func (s *Source) BundleStates(ctx context.Context) ([]model.BundleState, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout())
	defer cancel()
	events, err := s.ledger.BoardEvents(ctx, s.clock().Add(-BoardHistory))
	if err != nil {
		return nil, err
	}
	byBundle := map[string][]model.LedgerEvent{}
	for _, e := range events {
		byBundle[e.Bundle] = append(byBundle[e.Bundle], e)
	}
	out := make([]model.BundleState, 0, len(byBundle))
	for b, evs := range byBundle {
		out = append(out, model.DeriveState(b, evs))
	}
	slices.SortFunc(out, func(a, b model.BundleState) int { return strings.Compare(a.Bundle, b.Bundle) })
	return out, nil
}
