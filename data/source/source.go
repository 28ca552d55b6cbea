// Package source assembles what the cockpit shows, per environment, from the warehouse (the
// ledger and the system tables) and the workspace (REST): judged deployments, and the runs,
// updates, expectations, checks, ledger events, lineage and cost of one deployment.
//
// It opens either a real workspace, from the configuration and the Databricks unified auth,
// or the simulated one; the callers (cmd and ui) cannot tell the difference. Every call
// takes a context and is bounded by the configured timeout.
package source

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// ErrInput marks errors that are the user's to fix (a profile, a configuration, an
// unreachable warehouse): the CLI exits 2 on them.
var ErrInput = errors.New("input error")

// inputError wraps a user-fixable error without changing its message.
type inputError struct{ err error }

func (e *inputError) Error() string   { return e.err.Error() }
func (e *inputError) Unwrap() []error { return []error{e.err, ErrInput} }

func input(format string, a ...any) error { return &inputError{fmt.Errorf(format, a...)} }

// Source is an open connection to every environment.
type Source struct {
	cfg    config.Config
	envs   map[string]*Environment
	label  string
	user   string
	clock  func() time.Time
	close  func()
	closed sync.Once
	ledger *warehouse.Store
	// installGate, on the simulation, installs the gate its deployer runs decide on.
	installGate func(gate func(ctx context.Context, env string, runID int64, creator string, params map[string]string) ([]string, error))
	// demo is the simulation (*sim.Sim) behind a demo source, for tests; nil otherwise.
	demo any
	// policyOf reads the release policy (Policy).
	policyOf func() (model.Policy, error)
	// counters count the statements and REST calls (counters.go).
	counters *counters
	// expectations and liveTimeout belong to the live path (live.go).
	expectations expectationCache
	liveTimeout  time.Duration
	// history, when the workspace has no ledger, completes discovered deployments (discover.go).
	history *historyCache
	// watches are what Changed watches, per environment (watch.go).
	watchMu sync.Mutex
	watches map[string]*watchState
}

// Environment is one environment's connections.
type Environment struct {
	Config    config.Environment
	Env       warehouse.Env
	Store     *warehouse.Store
	Workspace *workspace.Client
	// Warehouse describes the SQL endpoint, for messages.
	Warehouse string
	// verdict is the verdict policy of the policy file, when the configuration names one.
	verdict *model.VerdictPolicy
}

// Deployment is a deployment with its verdict, and Query says which deployments of an
// environment to list; both live in model, so the UI needs only model.
type (
	Deployment = model.AssessedDeployment
	Query      = model.ListQuery
)

// Close releases connections and servers; closing again does nothing.
func (s *Source) Close() {
	s.closed.Do(func() {
		if s.close != nil {
			s.close()
		}
	})
}

// Config is the configuration in force.
func (s *Source) Config() config.Config { return s.cfg }

// Label says where the data comes from (a host, or the simulation and its file).
func (s *Source) Label() string { return s.label }

// User is who the workspace says we are, when known at open.
func (s *Source) User() string { return s.user }

// Now is the source's clock (the simulation's may be frozen).
func (s *Source) Now() time.Time { return s.clock() }

// Timeout bounds one call to the workspace or warehouse.
func (s *Source) Timeout() time.Duration { return time.Duration(s.cfg.Timeout) }

// Ledger is the store the ledger is written through.
func (s *Source) Ledger() *warehouse.Store { return s.ledger }

// Environments lists the environment names in promotion order.
func (s *Source) Environments() []string { return s.cfg.EnvironmentNames() }

// Environment returns an environment; the error lists the known ones.
func (s *Source) Environment(name string) (*Environment, error) {
	if _, err := s.cfg.Environment(name); err != nil {
		return nil, input("%v", err)
	}
	return s.envs[name], nil
}

// Policy is the verdict policy of an environment: the defaults, overridden by what its
// policy says (policy.verdict and bake_time: the policy file's when the configuration names
// one, else the environment's policy key).
func (e *Environment) Policy() model.VerdictPolicy {
	if e.verdict != nil {
		return *e.verdict
	}
	return e.Config.Policy.Verdict.Policy(time.Duration(e.Config.Policy.BakeTime))
}

// Listing is what ListAll found: the judged deployments, and the ledger rows that were
// left out because they cannot be deployments (counted by reason, with their event ids).
type Listing = model.Listing

// List pages through an environment's deployments, newest first, judges each, and keeps
// those that pass the filters, up to the limit.
func (s *Source) List(ctx context.Context, env string, q Query) ([]Deployment, error) {
	l, err := s.ListAll(ctx, env, q)
	return l.Deployments, err
}

// ListAll is List with the count of the ledger rows left out.
func (s *Source) ListAll(ctx context.Context, env string, q Query) (Listing, error) {
	e, err := s.Environment(env)
	if err != nil {
		return Listing{}, err
	}
	ctx, cancel := context.WithTimeout(withEnv(ctx, env), s.Timeout())
	defer cancel()
	if err := e.resolveWorkspaceID(ctx); err != nil {
		return Listing{}, err
	}
	now := s.clock()
	if q.Limit <= 0 {
		q.Limit = warehouse.DefaultLimit
	}
	wq := warehouse.DeploymentQuery{Bundle: q.Bundle, Limit: min(q.Limit, warehouse.MaxLimit), After: q.After}
	if q.Since > 0 {
		wq.Since = now.Add(-q.Since)
		// A short window's page costs one round trip to the warehouse, not two.
		wq.OneRound = q.Since <= warehouse.OneRoundWithin
	}
	var out Listing
	w := s.watchOf(env)
	w.beginList(now)
	ok := false
	defer func() { w.endList(ok) }()
	// A page read in one round trip has its live feed started beside it, for the whole
	// window; otherwise each page starts its own as soon as it is read.
	var window *liveRead
	// A whole window read in one page is kept for the next list after a feed-only change
	// (kept.go), which reads the feed again and nothing from the warehouse.
	keepable := wq.OneRound && q.After == nil && q.Status == ""
	var kept *keptRead
	if keepable {
		kept = w.takeKept(q.Bundle, wq.Since, now)
	}
	switch {
	case kept != nil:
		window = s.startLiveKept(ctx, e, kept)
	case wq.OneRound:
		window = s.startLiveWindow(ctx, e, wq.Since, q.Bundle)
	}
	// The first page's rows go out before their health when asked (q.Early): a page read in
	// one round trip has them as soon as its statement answers, well before its follow-ups
	// and the live feed. Discovered deployments are completed from the REST API first
	// (enrichDiscovered), so a page holding one waits for the whole listing.
	if q.Early != nil && window != nil && kept == nil && q.After == nil && q.Status == "" && !s.discovering(e) {
		wq.OnPage = func(ds []model.Deployment) {
			if !slices.ContainsFunc(ds, func(d model.Deployment) bool { return d.Source == model.SourceDiscovered }) {
				q.Early(earlyListing(ds, wq.Limit))
			}
		}
	}
	for {
		live := window
		if window == nil {
			wq.OnPage = func(ds []model.Deployment) { live = s.startLive(ctx, e, ds) }
		}
		var page warehouse.Page
		if kept != nil {
			page = kept.page(wq.Since)
		} else {
			page, err = e.Store.ListDeployments(ctx, e.Env, wq)
			wq.OnPage = nil // told of the first page only
			if err != nil {
				return Listing{}, s.warehouseProblem(e, err)
			}
			page.Deployments = s.enrichDiscovered(ctx, e, page.Deployments)
		}
		out.Skipped.Merge(page.Skipped)
		if wq.After == q.After && q.Status == "" {
			out.Matching = page.Matching // the first page counts the window from where it starts
		}
		merged, lerr := live.merge(page.Deployments, now)
		if keepable && kept == nil && page.Next == nil && wq.After == nil && window.finished() && window.err == nil {
			w.keep(&keptRead{bundle: q.Bundle, since: wq.Since, at: now, deployments: page.Deployments,
				skipped: page.Skipped, scope: window.feed.scope})
		}
		if lerr != nil && out.LiveErr == nil {
			out.LiveErr = lerr
		}
		for i, d := range merged {
			j := Deployment{Deployment: d, Assessment: model.Assess(d.Health, d.Checks, d.Window, now, e.Policy())}
			if end := d.Window.Start.Add(e.Policy().BakeTime); j.Provisional && d.Window.Open() && end.After(now) {
				w.noteBake(end)
			}
			if q.Status == "" || j.Verdict == q.Status {
				out.Deployments = append(out.Deployments, j)
			}
			if len(out.Deployments) == q.Limit {
				if i < len(merged)-1 || page.Next != nil {
					out.Next = &model.Cursor{DeployedAt: d.DeployedAt, ID: d.ID}
				}
				ok = true
				return out, nil
			}
		}
		if page.Next == nil {
			ok = true
			return out, nil
		}
		wq.After = page.Next
	}
}

// earlyListing is a page's rows before their health: at most limit, each Pending.
func earlyListing(ds []model.Deployment, limit int) Listing {
	ds = ds[:min(len(ds), limit)]
	l := Listing{Deployments: make([]Deployment, len(ds))}
	for i, d := range ds {
		l.Deployments[i] = Deployment{Deployment: d, Assessment: model.Assessment{Pending: true}}
	}
	return l
}

// warehouseProblem turns a failed query into what the user should know: which endpoint did
// not answer, within which time, and what to check.
func (s *Source) warehouseProblem(e *Environment, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return input("%s did not answer within %s: check that it is running and reachable, or raise --timeout", e.Warehouse, s.Timeout())
	}
	if errors.Is(err, warehouse.ErrInvalidInput) {
		return input("%v", err)
	}
	return fmt.Errorf("reading from %s: %w", e.Warehouse, err)
}

// call runs one read against an environment's warehouse under the timeout.
func call[T any](s *Source, ctx context.Context, env string, f func(context.Context, *Environment) (T, error)) (T, error) {
	var zero T
	e, err := s.Environment(env)
	if err != nil {
		return zero, err
	}
	ctx, cancel := context.WithTimeout(withEnv(ctx, env), s.Timeout())
	defer cancel()
	if err := e.resolveWorkspaceID(ctx); err != nil {
		return zero, err
	}
	v, err := f(ctx, e)
	if err != nil {
		return zero, s.warehouseProblem(e, err)
	}
	return v, nil
}

// Runs are the job runs inside a deployment's window, and the rows left out (no run id or
// start time). The window of a current deployment can still change: the runs the REST API
// knows and the system tables not yet are added (live_release.go), as the home counts them. When
// those cannot be read, the warehouse's runs come with an error that Is
// model.ErrLiveFactsMissing and says why.
func (s *Source) Runs(ctx context.Context, env string, d model.Deployment) ([]model.JobRun, model.Skipped, error) {
	var liveErr error
	runs, skipped, err := callCounted(s, ctx, env, func(ctx context.Context, e *Environment) ([]model.JobRun, model.Skipped, error) {
		live := s.startReleaseLive(ctx, e, d, releaseRuns)
		runs, skipped, err := e.Store.DeploymentRuns(ctx, e.Env, d)
		if err != nil {
			return runs, skipped, err
		}
		runs, liveErr = live.runs(runs, e.Env.WorkspaceID)
		return runs, skipped, nil
	})
	if err != nil {
		return runs, skipped, err
	}
	return runs, skipped, liveErr
}

// Updates are the pipeline updates inside a deployment's window, with their pipelines'
// names, and the rows left out (no update id or start time). For a current deployment whose
// window is open, the updates the REST API knows and the system tables not yet are added
// (live_release.go), as the home counts them; when those cannot be read, the warehouse's
// updates come with an error that Is model.ErrLiveFactsMissing and says why.
func (s *Source) Updates(ctx context.Context, env string, d model.Deployment) ([]model.PipelineUpdate, model.Skipped, error) {
	var liveErr error
	us, skipped, err := callCounted(s, ctx, env, func(ctx context.Context, e *Environment) ([]model.PipelineUpdate, model.Skipped, error) {
		live := s.startReleaseLive(ctx, e, d, releaseUpdates)
		us, skipped, err := e.Store.DeploymentUpdates(ctx, e.Env, d)
		us, liveErr = live.updates(us, e.Env.WorkspaceID)
		if err != nil {
			return nil, skipped, err
		}
		// The warehouse's rows come named, and so do the updates only the REST API knows
		// (from its pipelines list); one named by neither takes its pipeline's name from
		// the others, and only then is a name asked.
		if nameFromRows(us) {
			return us, skipped, nil
		}
		return us, skipped, nameAll(ctx, e, us, func(u *model.PipelineUpdate) (string, *string) { return u.PipelineID, &u.Name })
	})
	if err != nil {
		return us, skipped, err
	}
	return us, skipped, liveErr
}

// Expectations are a deployment's expectation results with their delta to the previous
// deployment, and the results left out (neither dataset nor expectation name). For a
// current deployment whose window is open, the results of the updates whose expectations
// the system tables do not hold yet are added from the REST API (live_release.go), as the
// home counts them; when those cannot be read, the warehouse's results come with an error
// that Is model.ErrLiveFactsMissing and says why.
func (s *Source) Expectations(ctx context.Context, env string, d model.Deployment) ([]model.ExpectationDelta, model.Skipped, error) {
	var liveErr error
	es, skipped, err := callCounted(s, ctx, env, func(ctx context.Context, e *Environment) ([]model.ExpectationDelta, model.Skipped, error) {
		live := s.startReleaseLive(ctx, e, d, releaseUpdates)
		es, skipped, err := e.Store.DeploymentExpectations(ctx, e.Env, d)
		es, liveErr = live.expectations(es)
		return es, skipped, err
	})
	if err != nil {
		return es, skipped, err
	}
	return es, skipped, liveErr
}

// callCounted is call for a reader that also counts the rows it left out.
func callCounted[T any](s *Source, ctx context.Context, env string, f func(context.Context, *Environment) (T, model.Skipped, error)) (T, model.Skipped, error) {
	type counted struct {
		rows    T
		skipped model.Skipped
	}
	c, err := call(s, ctx, env, func(ctx context.Context, e *Environment) (counted, error) {
		rows, skipped, err := f(ctx, e)
		return counted{rows, skipped}, err
	})
	return c.rows, c.skipped, err
}

// Checks are a deployment's checks, every report.
func (s *Source) Checks(ctx context.Context, env string, d model.Deployment) ([]model.Check, error) {
	return call(s, ctx, env, func(ctx context.Context, e *Environment) ([]model.Check, error) {
		return e.Store.DeploymentChecks(ctx, e.Env, d)
	})
}

// Events are the release's ledger events in the environment: its audit trail.
func (s *Source) Events(ctx context.Context, env string, d model.Deployment) ([]model.LedgerEvent, error) {
	return call(s, ctx, env, func(ctx context.Context, e *Environment) ([]model.LedgerEvent, error) {
		return e.Store.DeploymentEvents(ctx, e.Env, d)
	})
}

// Lineage is what a deployment read and wrote and who reads that, up to two hops, with
// the consumers' job and pipeline names (in the same statement), and the rows left out
// (neither table nor consumer).
func (s *Source) Lineage(ctx context.Context, env string, d model.Deployment) ([]model.LineageTable, model.Skipped, error) {
	return callCounted(s, ctx, env, func(ctx context.Context, e *Environment) ([]model.LineageTable, model.Skipped, error) {
		return e.Store.DeploymentLineage(ctx, e.Env, d)
	})
}

// Cost is the DBUs of a deployment's runs and updates, with how late billing data is and
// the names of the jobs and pipelines.
func (s *Source) Cost(ctx context.Context, env string, d model.Deployment) (model.Cost, error) {
	return call(s, ctx, env, func(ctx context.Context, e *Environment) (model.Cost, error) {
		return e.Store.DeploymentCost(ctx, e.Env, d) // the items come named
	})
}

// nameFromRows names each unnamed update after another update of its pipeline, and says
// whether every update has a name.
func nameFromRows(us []model.PipelineUpdate) bool {
	names := map[string]string{}
	for _, u := range us {
		if u.Name != "" {
			names[u.PipelineID] = u.Name
		}
	}
	all := true
	for i := range us {
		if us[i].Name == "" {
			us[i].Name = names[us[i].PipelineID]
			all = all && us[i].Name != ""
		}
	}
	return all
}

// nameAll fills in the job or pipeline name of each item: field gives an item's resource
// id (empty for none) and where its name goes. One query for all of them.
func nameAll[T any](ctx context.Context, e *Environment, items []T, field func(*T) (id string, name *string)) error {
	var ids []string
	for i := range items {
		if id, _ := field(&items[i]); id != "" {
			ids = append(ids, id)
		}
	}
	names, err := e.Store.ResourceNames(ctx, e.Env, ids)
	if err != nil {
		return err
	}
	for i := range items {
		id, name := field(&items[i])
		*name = names[id]
	}
	return nil
}

// Run is one job run from the workspace: tasks, states, termination, run page URL.
func (s *Source) Run(ctx context.Context, env string, runID int64) (model.RunDetail, error) {
	e, err := s.Environment(env)
	if err != nil {
		return model.RunDetail{}, err
	}
	ctx, cancel := context.WithTimeout(withEnv(ctx, env), s.Timeout())
	defer cancel()
	return e.Workspace.GetRun(ctx, runID)
}

// LiveRuns is the workspace's runs feed since a watermark: the minutes the system tables
// do not have yet.
func (s *Source) LiveRuns(ctx context.Context, env string, since time.Time) ([]workspace.Run, error) {
	e, err := s.Environment(env)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(withEnv(ctx, env), s.Timeout())
	defer cancel()
	return e.Workspace.RunsSince(ctx, since, workspace.RunsOptions{})
}
