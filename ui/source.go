package ui

import (
	"context"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// Source is what the screens read: the environments and, per environment, the judged
// deployments and one deployment's runs, updates, checks, expectations, lineage, ledger
// events and cost, and one job run. *source.Source (data/source) satisfies it over a real
// or simulated workspace; tests may pass a small fake, which needs no cgo. Every method
// takes the program's context and is bounded by Timeout.
type Source interface {
	// Environments lists the environment names in promotion order.
	Environments() []string
	// Label says where the data comes from, for the status bar.
	Label() string
	// User is who the workspace says we are ("" when unknown).
	User() string
	// Timeout bounds one call.
	Timeout() time.Duration

	List(ctx context.Context, env string, q model.ListQuery) ([]model.AssessedDeployment, error)
	// Runs, Updates, Expectations and Lineage also count the rows they left out and why
	// (Cost in model.Cost.Skipped); checks and ledger events keep every row.
	Runs(ctx context.Context, env string, d model.Deployment) ([]model.JobRun, model.Skipped, error)
	Updates(ctx context.Context, env string, d model.Deployment) ([]model.PipelineUpdate, model.Skipped, error)
	// Baselines are the durations of each of d's jobs' last model.BaselineRuns runs and
	// pipelines' last updates before d (its release's, so they need no read of its runs
	// first).
	Baselines(ctx context.Context, env string, d model.Deployment) (model.DurationBaselines, error)
	Checks(ctx context.Context, env string, d model.Deployment) ([]model.Check, error)
	Expectations(ctx context.Context, env string, d model.Deployment) ([]model.ExpectationDelta, model.Skipped, error)
	Lineage(ctx context.Context, env string, d model.Deployment) ([]model.LineageTable, model.Skipped, error)
	Events(ctx context.Context, env string, d model.Deployment) ([]model.LedgerEvent, error)
	Cost(ctx context.Context, env string, d model.Deployment) (model.Cost, error)
	// Changes is what differs from the previous deployment of the bundle in the environment.
	Changes(ctx context.Context, env string, d model.Deployment) (model.Changes, error)
	// Run is one job run from the workspace, with its tasks.
	Run(ctx context.Context, env string, runID int64) (model.RunDetail, error)
	// Update is one pipeline update from the workspace: state, cause, why it failed, its
	// expectation results and flow errors from the event log, and its URL.
	Update(ctx context.Context, env, pipelineID, updateID string) (model.UpdateDetail, error)

	// AuditEvents are an environment's newest ledger events (checks left out), newest
	// first, at most limit: the :audit screen.
	AuditEvents(ctx context.Context, env string, limit int) ([]model.LedgerEvent, error)
	// BundleStates is the ledger's state of every bundle (model.DeriveState): the promotion
	// board, the pending and in-flight requests.
	BundleStates(ctx context.Context) ([]model.BundleState, error)
}
