//go:build !nosim

package source

import (
	"context"

	"github.com/release-cockpit/cockpit/data/sim"
)

// DemoFailDeploy makes the next deploy of bundle by the simulated deployer jobs fail partly,
// on these resource keys (the bundle's first job when none is named): its run ends FAILED
// and its result event lists them as failed_resources, so a person can try a retry (R,
// cockpit retry) in the demo (--demo-fail-deploy) and tests can drive one. It returns the
// resources the deploy will fail on. Only the cockpit that serves the simulation runs its
// deployer jobs: a source that joined another cockpit's, or that is no demo, refuses.
func (s *Source) DemoFailDeploy(ctx context.Context, bundle string, resources ...string) ([]string, error) {
	sm, ok := s.demo.(*sim.Sim)
	if !ok {
		return nil, input("%s: only the cockpit that serves the simulation runs its deployer jobs: pass --demo-fail-deploy to that one (the first cockpit demo on this estate)", s.label)
	}
	failed, err := sm.FailNextDeploy(ctx, bundle, resources...)
	if err != nil {
		return nil, input("--demo-fail-deploy: %v", err)
	}
	return failed, nil
}
