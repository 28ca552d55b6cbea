//go:build !nosim

package source

import (
	"context"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
)

// DemoScriptUpdate makes an update of a bundle's pipeline (its first pipeline when pipeline
// is empty) run in env from start to end (by the simulation's now) with result (COMPLETED,
// FAILED or CANCELED), its first expectation failing ratio of the records (sim.ScriptUpdate):
// the REST API reports it and its expectation results at once, the system tables only after
// the demo's lag. It returns the update's pipeline id and update id. Tests use it with a
// moving clock (DemoOptions.Clock); only the cockpit that serves the simulation can script
// its updates.
func (s *Source) DemoScriptUpdate(ctx context.Context, env, bundle, pipeline string, start, end time.Time, result string, ratio float64) (string, string, error) {
	sm, ok := s.demo.(*sim.Sim)
	if !ok {
		return "", "", input("%s: only the cockpit that serves the simulation can script its updates", s.label)
	}
	p, u, err := sm.ScriptUpdate(ctx, sim.ScriptedUpdate{Environment: env, Bundle: bundle, Pipeline: pipeline, Start: start, End: end, Result: result, FailureRatio: ratio})
	if err != nil {
		return "", "", input("scripting an update: %v", err)
	}
	return p, u, nil
}
