package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// fakeSource is a small Source in memory: two environments, a failing and a healthy
// deployment in prod. It needs no cgo and no simulation, so these tests also run in a
// nosim build (CGO_ENABLED=0 go test -tags nosim ./ui). The simulation covers the real
// adapters in every other test.
type fakeSource struct {
	deployments map[string][]model.AssessedDeployment
	runs        []model.JobRun
	// leftOut is what every counting read says it left out (zero: nothing).
	leftOut model.Skipped
	mu      sync.Mutex // the home lists its environments side by side
	lists   int        // List calls, to see loads happen
	// runsErr is what Runs returns with the runs (a live-facts error keeps them).
	runsErr error
	// updatesErr and expsErr are what Updates and Expectations return with theirs.
	updates    []model.PipelineUpdate
	updatesErr error
	exps       []model.ExpectationDelta
	expsErr    error
}

var errFakeNotHere = errors.New("the fake source has no such data")

func newFakeSource() *fakeSource {
	at := testNow.Add(-35 * time.Minute)
	dep := func(env, bundle, version string, at time.Time, v model.Verdict, h model.Health) model.AssessedDeployment {
		return model.AssessedDeployment{
			Deployment: model.Deployment{
				ID: env + "-" + bundle + "-" + version, Release: model.Release{Bundle: bundle, Version: version, GitSHA: "0a1b2c3d4e5f"},
				Environment: env, DeployedAt: at, DeployedBy: "ci@example.com", Window: model.Window{Start: at}, Current: true, Health: h,
			},
			Assessment: model.Assessment{Verdict: v, Reasons: []string{string(v) + " because the fake says so"}},
		}
	}
	return &fakeSource{
		deployments: map[string][]model.AssessedDeployment{
			"staging": {dep("staging", "orders", "2026.1123.1", at.Add(-3*time.Hour), model.VerdictHealthy, model.Health{RunsSucceeded: 4})},
			"prod": {
				dep("prod", "orders", "2026.1123.1", at, model.VerdictFailing, model.Health{RunsSucceeded: 1, RunsFailed: 2}),
				dep("prod", "billing", "2026.1120.4", at.Add(-20*time.Hour), model.VerdictHealthy, model.Health{RunsSucceeded: 9}),
			},
		},
		runs: []model.JobRun{
			{JobID: "11", RunID: "9001", RunName: "orders_ingest", Start: at.Add(time.Minute), End: at.Add(6 * time.Minute), ResultState: "FAILED", TerminationCode: "RUN_EXECUTION_ERROR"},
			{JobID: "12", RunID: "9002", RunName: "orders_gold", Start: at.Add(2 * time.Minute), End: at.Add(4 * time.Minute), ResultState: "SUCCEEDED"},
		},
	}
}

func (f *fakeSource) Environments() []string { return []string{"staging", "prod"} }
func (f *fakeSource) Label() string          { return "fake workspace" }
func (f *fakeSource) User() string           { return "kim@example.com" }
func (f *fakeSource) Timeout() time.Duration { return 5 * time.Second }

func (f *fakeSource) List(_ context.Context, env string, q model.ListQuery) ([]model.AssessedDeployment, error) {
	f.mu.Lock()
	f.lists++
	f.mu.Unlock()
	ds, ok := f.deployments[env]
	if !ok {
		return nil, fmt.Errorf("unknown environment %q", env)
	}
	return ds, nil
}

func (f *fakeSource) Runs(context.Context, string, model.Deployment) ([]model.JobRun, model.Skipped, error) {
	return f.runs, f.leftOut, f.runsErr
}
func (f *fakeSource) Updates(context.Context, string, model.Deployment) ([]model.PipelineUpdate, model.Skipped, error) {
	return f.updates, model.Skipped{}, f.updatesErr
}
func (f *fakeSource) Baselines(context.Context, string, model.Deployment) (model.DurationBaselines, error) {
	return model.DurationBaselines{Jobs: map[string][]time.Duration{"11": {5 * time.Minute, 4 * time.Minute}}}, nil
}
func (f *fakeSource) Checks(context.Context, string, model.Deployment) ([]model.Check, error) {
	return nil, nil
}
func (f *fakeSource) Expectations(context.Context, string, model.Deployment) ([]model.ExpectationDelta, model.Skipped, error) {
	return f.exps, f.leftOut, f.expsErr
}
func (f *fakeSource) Lineage(context.Context, string, model.Deployment) ([]model.LineageTable, model.Skipped, error) {
	return nil, f.leftOut, nil
}
func (f *fakeSource) Events(context.Context, string, model.Deployment) ([]model.LedgerEvent, error) {
	return nil, nil
}
func (f *fakeSource) Cost(context.Context, string, model.Deployment) (model.Cost, error) {
	return model.Cost{Skipped: f.leftOut}, nil
}
func (f *fakeSource) Changes(context.Context, string, model.Deployment) (model.Changes, error) {
	return model.Changes{}, nil
}
func (f *fakeSource) Run(context.Context, string, int64) (model.RunDetail, error) {
	return model.RunDetail{}, errFakeNotHere
}
func (f *fakeSource) Update(context.Context, string, string, string) (model.UpdateDetail, error) {
	return model.UpdateDetail{}, errFakeNotHere
}

// fakeCommon is a Common over the fake source with the tests' frozen clock.
func fakeCommon(th *themes.Theme) (*Common, *fakeSource) {
	f := newFakeSource()
	return &Common{Theme: th, Glyphs: UnicodeGlyphs, Source: f, Now: func() time.Time { return testNow }, Timeout: 5 * time.Second}, f
}

func TestTheHomeAndAReleaseRenderFromAFakeSourceWithoutTheSimulation(t *testing.T) {
	c, f := fakeCommon(themes.Mono())
	m := startRoot(t, c, rootOptions(), 120, 40)
	f.mu.Lock()
	lists := f.lists
	f.mu.Unlock()
	if lists == 0 {
		t.Fatal("the home never listed")
	}
	frame := ansi.Strip(rootFrame(m))
	assertFills(t, rootFrame(m), 120, 40)
	for _, want := range []string{"prod", "orders", "2026.1123.1", "billing", "kim"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the home from the fake source lacks %q:\n%s", want, frame)
		}
	}
	if m.home.Crumb() != "prod" {
		t.Fatalf("the home starts on %s, want prod (it has the failing deployment)", m.home.Crumb())
	}
	sendKeys(t, m, "enter")
	frame = ansi.Strip(rootFrame(m))
	if len(m.stack) != 2 || !strings.Contains(frame, "orders_ingest") || !strings.Contains(frame, "+11% vs median") {
		t.Fatalf("the release screen does not show the fake runs:\n%s", frame)
	}
}

func (f *fakeSource) AuditEvents(context.Context, string, int) ([]model.LedgerEvent, error) {
	return nil, errFakeNotHere
}

func (f *fakeSource) BundleStates(context.Context) ([]model.BundleState, error) {
	return nil, errFakeNotHere
}
