//go:build !nosim

package source

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// DemoFormat is the simulated estate's file format: a file of another format is refused.
const DemoFormat = sim.FormatVersion

// DemoOptions choose the simulated estate.
type DemoOptions struct {
	Path string // DuckDB file; empty keeps it in memory
	Seed int64
	Now  time.Time // zero follows the wall clock
	// Clock, when set, is the simulation's clock instead of Now or the wall clock: a test
	// moves it to make time pass in the estate (runs start and end, bake times run out).
	Clock    func() time.Time
	Days     int       // history of a new estate (default 90)
	As       string    // simulated user: oncall, release-manager, lead, ci
	Progress io.Writer // generation progress (stderr)
	// Hostile plants malformed ledger rows and escape sequences in the estate (--demo-hostile).
	Hostile bool
	Log     io.Writer // the libraries' own logs (the --debug file); nil discards them
	// Lag delays the system tables behind the clock (--demo-lag); zero shows runs as they end.
	Lag time.Duration
	// Latency answers every warehouse statement this much late, as a remote SQL warehouse
	// does (tests and benchmarks: --demo-latency).
	Latency time.Duration
	// NoLedger opens an estate whose workspace has no ledger (--demo-ledger none): the
	// cockpit discovers its deployments.
	NoLedger bool
	// Unrecorded opens an estate whose ledger CI writes for every bundle but a few
	// (--demo-ledger partial); the demo then discovers those (discover_unrecorded).
	Unrecorded bool
	Scale      int // the estate's jobs and pipelines times Scale (sim.Options.Scale; tests)
}

// demoTimeout bounds one call to the simulation unless --timeout or the configuration says.
const demoTimeout = 3 * time.Minute

// demoStatements is how many reads the simulation's DuckDB runs at once. Its memory cap is
// one budget for the process: it holds the two heaviest statements of a 1,000-deployment
// page, not the six of the home's three environments loading "all time" side by side.
const demoStatements = 2

// catchUpEvery is how often an open demo advances its estate to the clock: the cockpit's
// default refresh. A catch-up between two probes is seen by none and costs CPU all the same
// (about 70 ms each on two cores); a run that ends is shown within two refreshes.
const catchUpEvery = 15 * time.Second

// OpenDemo opens the simulated workspace: the estate in DuckDB, caught up to the clock, and
// one local REST server per simulated workspace, reached through the same data/warehouse and
// data/workspace code as a real one. The user's configuration contributes display settings
// only; environments come from the simulation.
func OpenDemo(ctx context.Context, user config.Config, o DemoOptions) (*Source, error) {
	src, _, err := openDemoSim(ctx, user, o)
	return src, err
}

// openDemoSim is OpenDemo that also hands back the simulation it opened (nil when it joined
// another cockpit's), for tests that read the simulation's truth.
func openDemoSim(ctx context.Context, user config.Config, o DemoOptions) (*Source, *sim.Sim, error) {
	who, err := sim.UserFor(o.As)
	if err != nil {
		return nil, nil, input("--as: %v", err)
	}
	if o.Unrecorded {
		user.DiscoverUnrecorded = true // the point of the partial ledger
	}
	clock := func() time.Time { return time.Now().UTC() }
	if !o.Now.IsZero() {
		now := o.Now.UTC()
		clock = func() time.Time { return now }
	}
	if o.Clock != nil {
		clock = func() time.Time { return o.Clock().UTC() }
	}
	// Another cockpit may have the estate open already: join it (see join.go).
	if o.Path != "" {
		if ep, ok := serving(ctx, o.Path); ok {
			src, err := joinDemo(ctx, user, o, ep, who)
			return src, nil, err
		}
	}
	s, err := sim.Open(ctx, sim.Options{Path: o.Path, Seed: o.Seed, Clock: clock, Days: o.Days, Progress: o.Progress, Hostile: o.Hostile, Lag: o.Lag, NoLedger: o.NoLedger, Unrecorded: o.Unrecorded, Scale: o.Scale})
	if err != nil {
		if o.Path != "" && lockedByOther(err) {
			if ep, ok := awaitServing(ctx, o); ok {
				src, err := joinDemo(ctx, user, o, ep, who)
				return src, nil, err
			}
			return nil, nil, input("the simulated estate %s is locked by another process that does not serve it: quit that process (or the other cockpit still starting), or pass --demo-db with another file", o.Path)
		}
		return nil, nil, input("opening the simulated workspace: %v", err)
	}
	tables, err := demoTables()
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	store, err := warehouse.NewStore(s.DB(), tables, warehouse.DuckDB)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	store = store.Limited(warehouse.NewSlots(demoStatements))
	var servers []*sim.Server
	// Time flows while the demo is open: catch the estate up to the clock every few
	// seconds (a no-op when the clock is frozen).
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(catchUpEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				s.CatchUp(cctx) // a failed catch-up is retried on the next tick
				cancel()
			}
		}
	}()
	closeAll := func() {
		if o.Path != "" {
			removeEndpoint(o.Path)
		}
		close(stop)
		<-done
		for _, srv := range servers {
			srv.Close()
		}
		s.Close()
	}
	label := "simulated workspace"
	if o.Path != "" {
		label += " (" + o.Path + ")"
	}
	ep := demoEndpoint{PID: os.Getpid(), Format: sim.FormatVersion}
	if !o.Now.IsZero() {
		now := o.Now.UTC()
		ep.Now = &now
	}
	src := demoSource(user, who, label, s.Now)
	src.counters.latency = o.Latency
	store = src.counters.observe(store)
	src.close, src.ledger, src.demo = closeAll, store, s
	src.installGate = func(gate func(context.Context, string, int64, string, map[string]string) ([]string, error)) {
		s.SetDeployGate(func(ctx context.Context, r sim.GateRun) ([]string, error) {
			return gate(ctx, r.Environment, r.RunID, r.Creator, r.Parameters)
		})
	}
	src.installDemoGate()
	for _, ws := range s.Workspaces() {
		srv, err := s.Serve(ctx, ws.ID)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("starting the simulated workspace's API: %w", err)
		}
		servers = append(servers, srv)
		client, err := workspace.Open(ctx, workspace.Config{Host: srv.URL(), Token: who.Token, Transport: src.counters.transport(nil)})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		for _, env := range ws.Environments {
			ec, _ := src.cfg.Environment(env)
			src.envs[env] = &Environment{Config: ec, Env: warehouse.Env{Name: env, WorkspaceID: ws.ID}, Store: store, Workspace: client, Warehouse: "the simulation's DuckDB"}
		}
		ep.Workspaces = append(ep.Workspaces, endpointWorkspace{ID: ws.ID, URL: srv.URL(), SQLPath: sim.WarehousePath, Environments: ws.Environments})
	}
	src.discoverWithoutLedger(ctx)
	// Say where the estate is served, for a second cockpit on the same file to join.
	if o.Path != "" {
		if err := writeEndpoint(o.Path, ep); err != nil && o.Progress != nil {
			fmt.Fprintf(o.Progress, "another cockpit cannot join this one: writing %s: %v\n", endpointPath(o.Path), err)
		}
	}
	return src, s, nil
}

// demoTables names what the cockpit reads from the simulation: the system tables and the
// expectation results through their delayed views (sim/lag.go), the ledger in its schema.
func demoTables() (warehouse.Tables, error) {
	tables, err := warehouse.DefaultTables().Overrides(withLedger(sim.DelayedTables(), sim.LedgerSchema))
	if err != nil {
		return tables, err
	}
	tables.ExpectationResults = sim.DelayedExpectations
	return tables, tables.Validate()
}

// demoSource is the source of a demo, served here or joined (join.go): whatever the demo
// adds to a Source belongs here, so that both have it.
func demoSource(user config.Config, who sim.User, label string, clock func() time.Time) *Source {
	src := &Source{cfg: demoConfig(user), envs: map[string]*Environment{}, label: label, user: who.UserName, clock: clock, counters: newCounters()}
	src.policyOf = func() (model.Policy, error) { return sim.Policy(clock()) }
	return src
}

// demoConfig keeps the user's display settings (and discover_unrecorded) but takes
// environments from the simulation.
func demoConfig(user config.Config) config.Config {
	c := config.Default()
	if user.Refresh != 0 {
		c.Refresh = user.Refresh
	}
	if user.FullRefresh != 0 {
		c.FullRefresh = user.FullRefresh
	}
	// The embedded database shares the machine: listing 90 days of three environments at
	// once (:since 0) takes longer than a warehouse's 30 s, so the demo waits longer unless
	// the user chose a timeout.
	c.Timeout = config.Duration(demoTimeout)
	if user.Timeout != 0 && user.Timeout != config.Default().Timeout {
		c.Timeout = user.Timeout
	}
	c.Theme = user.Theme
	c.DiscoverUnrecorded = user.DiscoverUnrecorded
	for i := range c.Environments {
		e := &c.Environments[i]
		e.WorkspaceID = sim.WorkspaceID(e.Name)
		e.DeployerJobID = sim.DeployerJobID(e.Name)
	}
	return c
}
