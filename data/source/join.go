//go:build !nosim

package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
)

// A simulated estate is a DuckDB file that one process at a time may open. The cockpit
// that opens it serves it (the REST API and the SQL warehouse of each simulated workspace,
// on loopback ports) and says where in an endpoint file next to it; a second `cockpit demo`
// on the same estate (the CLI in one pane while the TUI runs in another) finds the file and
// joins: it reaches the estate the way it would reach a real workspace, through the SDK
// and databricks-sql-go with its own user's token, so what one does the other sees.

// demoEndpoint is the endpoint file's content. It holds no secret: each process signs in
// with the token of its own --as user.
type demoEndpoint struct {
	PID        int                 `json:"pid"`
	Format     string              `json:"format"`
	Now        *time.Time          `json:"now,omitempty"` // the frozen clock, if any
	Workspaces []endpointWorkspace `json:"workspaces"`
}

type endpointWorkspace struct {
	ID           string   `json:"id"`
	URL          string   `json:"url"`           // the REST API's base URL
	SQLPath      string   `json:"sql_http_path"` // the SQL warehouse, at the same host
	Environments []string `json:"environments"`
}

// endpointPath is where the endpoint file of an estate lives.
func endpointPath(estate string) string { return estate + ".endpoint.json" }

// How long a second cockpit waits for the one holding the estate to start serving it (a
// first start generates the estate for about ten seconds), and how long a probe may take.
const (
	joinWait  = 45 * time.Second
	joinProbe = 2 * time.Second
)

// writeEndpoint publishes where an open estate is served, readable only by its owner.
func writeEndpoint(estate string, ep demoEndpoint) error {
	b, err := json.MarshalIndent(ep, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(estate), filepath.Base(estate)+".endpoint-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), endpointPath(estate))
}

// removeEndpoint withdraws the endpoint file, if it is still this process's.
func removeEndpoint(estate string) {
	if ep, err := readEndpoint(estate); err == nil && ep.PID == os.Getpid() {
		_ = os.Remove(endpointPath(estate))
	}
}

func readEndpoint(estate string) (demoEndpoint, error) {
	var ep demoEndpoint
	b, err := os.ReadFile(endpointPath(estate))
	if err != nil {
		return ep, err
	}
	if err := json.Unmarshal(b, &ep); err != nil {
		return ep, fmt.Errorf("%s: %w", endpointPath(estate), err)
	}
	return ep, nil
}

// serving finds the cockpit serving an estate: its endpoint file names a live process
// whose servers answer as the workspaces it lists. ok is false when none does.
func serving(ctx context.Context, estate string) (demoEndpoint, bool) {
	ep, err := readEndpoint(estate)
	if err != nil || ep.Format != sim.FormatVersion || len(ep.Workspaces) == 0 || !alive(ep.PID) {
		return ep, false
	}
	for _, ws := range ep.Workspaces {
		if !answers(ctx, ws) {
			return ep, false
		}
	}
	return ep, true
}

// alive says whether a process exists (on Windows, whether it can be found).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM) || runtime.GOOS == "windows"
}

// answers probes a simulated workspace's server: the unauthenticated configuration the SDK
// reads names the workspace.
func answers(ctx context.Context, ws endpointWorkspace) bool {
	ctx, cancel := context.WithTimeout(ctx, joinProbe)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ws.URL+"/.well-known/databricks-config", nil)
	if err != nil || req.URL.Hostname() != "127.0.0.1" {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var got struct {
		WorkspaceID string `json:"workspace_id"`
	}
	err = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&got)
	return err == nil && resp.StatusCode == http.StatusOK && got.WorkspaceID == ws.ID
}

// lockedByOther says whether opening an estate failed because another process holds it.
func lockedByOther(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock")
}

// awaitServing waits, up to joinWait, for the process that holds an estate to serve it.
func awaitServing(ctx context.Context, o DemoOptions) (demoEndpoint, bool) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "the simulated estate %s is open in another process: waiting for it to serve the estate\n", o.Path)
	}
	ctx, cancel := context.WithTimeout(ctx, joinWait)
	defer cancel()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		if ep, ok := serving(ctx, o.Path); ok {
			return ep, true
		}
		select {
		case <-ctx.Done():
			return demoEndpoint{}, false
		case <-t.C:
		}
	}
}

// joinDemo opens a source on an estate another cockpit serves, through the production
// adapters: one SDK client and one databricks-sql-go connection per simulated workspace,
// signed in as who. Ledger writes and run-now go to the serving process.
func joinDemo(ctx context.Context, user config.Config, o DemoOptions, ep demoEndpoint, who sim.User) (*Source, error) {
	tables, err := demoTables()
	if err != nil {
		return nil, err
	}
	clock := func() time.Time { return time.Now().UTC() }
	if ep.Now != nil {
		now := ep.Now.UTC()
		clock = func() time.Time { return now }
	}
	var stores []*warehouse.Store
	src := demoSource(user, who, fmt.Sprintf("simulated workspace (%s, served by cockpit pid %d)", o.Path, ep.PID), clock)
	cfg := src.cfg
	var closers []io.Closer
	src.close = func() {
		for _, c := range closers {
			c.Close()
		}
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	slots := warehouse.NewSlots(demoStatements)
	for _, ws := range ep.Workspaces {
		client, err := workspace.Open(ctx, workspace.Config{Host: ws.URL, Token: who.Token, Transport: src.counters.transport(nil)})
		if err != nil {
			src.Close()
			return nil, fmt.Errorf("joining the simulated workspace served by pid %d: %w", ep.PID, err)
		}
		db, err := openWarehouseAt(client, ws.SQLPath, time.Duration(cfg.Timeout), log)
		if err != nil {
			src.Close()
			return nil, err
		}
		closers = append(closers, db)
		store, err := warehouse.NewStore(db, tables, warehouse.Databricks)
		if err != nil {
			src.Close()
			return nil, err
		}
		// The statements end in the serving process's DuckDB, whose memory is one budget.
		store = store.Limited(slots)
		src.counters.latency = o.Latency
		store = src.counters.observe(store)
		stores = append(stores, store)
		for _, env := range ws.Environments {
			ec, _ := cfg.Environment(env)
			src.envs[env] = &Environment{Config: ec, Env: warehouse.Env{Name: env, WorkspaceID: ws.ID}, Store: store, Workspace: client,
				Warehouse: "the simulated SQL warehouse at " + ws.URL + ws.SQLPath}
		}
	}
	src.ledger = stores[0]
	src.discoverWithoutLedger(ctx)
	return src, nil
}
