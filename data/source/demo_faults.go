//go:build !nosim

package source

import (
	"context"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
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

// DemoScriptRun makes a run of a bundle's job (its first job when job is empty) start and
// end in env at the instants given, with result (SUCCEEDED, FAILED, ...), as its schedule
// would (sim.ScriptRun): the REST API reports it at once, the system tables only after the
// demo's lag. It returns the run's id. Tests use it with a moving clock
// (DemoOptions.Clock); only the cockpit that serves the simulation can script its runs.
func (s *Source) DemoScriptRun(ctx context.Context, env, bundle, job string, start, end time.Time, result string) (int64, error) {
	sm, ok := s.demo.(*sim.Sim)
	if !ok {
		return 0, input("%s: only the cockpit that serves the simulation can script its runs", s.label)
	}
	run, _, err := sm.ScriptRun(ctx, sim.ScriptedRun{Environment: env, Bundle: bundle, Job: job, Start: start, End: end, Result: result})
	if err != nil {
		return 0, input("scripting a run: %v", err)
	}
	return run, nil
}

// DemoRecordDeploy records that CI deployed bundle at version into env at the instant given,
// the way `cockpit record deploy --metadata` does: the bundle's metadata.json read through
// the workspace's export API, its jobs and pipelines appended to the ledger as the
// release's resources, then the deploy_succeeded event. Tests use it to land a release at
// the simulation's now; it returns the release's id.
func (s *Source) DemoRecordDeploy(ctx context.Context, env, bundle, version string, at time.Time) (string, error) {
	e, err := s.Environment(env)
	if err != nil {
		return "", err
	}
	meta, err := e.Workspace.BundleMetadata(ctx, sim.MetadataPath(bundle, env))
	if err != nil {
		return "", err
	}
	id := model.ReleaseID(bundle, version)
	if err := s.ledger.AppendResources(ctx, meta.Resources(id, env)...); err != nil {
		return "", err
	}
	return id, s.ledger.AppendEvents(ctx, model.LedgerEvent{EventID: model.NewEventID(at), ReleaseID: id, Bundle: bundle, Version: version,
		GitSHA: meta.Git.Commit, Environment: env, Kind: model.EventDeploySucceeded, Status: "succeeded", Actor: s.user, At: at.UTC()})
}
