package source

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/databricks/databricks-sdk-go"
	dbsql "github.com/databricks/databricks-sql-go"
	dbsqllog "github.com/databricks/databricks-sql-go/logger"
	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
)

// Options are the command line's overrides of the configuration.
type Options struct {
	Profile     string // replaces every environment's profile
	WarehouseID string // replaces every environment's warehouse
	// Log receives the libraries' own logs (the --debug file); nil discards them.
	Log io.Writer
}

// Open connects to the configured workspaces: one SDK client per profile (unified auth:
// profile, environment variables, OAuth or PAT) and one SQL connection per warehouse, which
// reuses the SDK's credentials (dbsql.WithAuthenticator). Nothing is queried yet; the first
// read says whether the warehouse answers.
func Open(ctx context.Context, cfg config.Config, o Options) (*Source, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Profile != "" {
		cfg.Profile = o.Profile
		for i := range cfg.Environments {
			cfg.Environments[i].Profile = o.Profile
		}
	}
	if o.WarehouseID != "" {
		for i := range cfg.Environments {
			cfg.Environments[i].WarehouseID = o.WarehouseID
		}
	}
	tables, err := TablesOf(cfg)
	if err != nil {
		return nil, err
	}
	// Resolving a profile may ask the host for its metadata: bound it like any call.
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.Timeout))
	defer cancel()
	s := &Source{cfg: cfg, envs: map[string]*Environment{}, clock: func() time.Time { return time.Now().UTC() }, counters: newCounters()}
	clients := map[string]*workspace.Client{}
	dbs := map[string]*sql.DB{}
	s.close = func() {
		for _, db := range dbs {
			db.Close()
		}
	}
	for _, e := range cfg.Environments {
		client, ok := clients[e.Profile]
		if !ok {
			client, err = workspace.Open(ctx, workspace.Config{Profile: e.Profile, Transport: s.counters.transport(nil)})
			if err != nil {
				s.Close()
				return nil, input("%s", profileProblem(e.Profile, err))
			}
			clients[e.Profile] = client
		}
		whID := e.WarehouseID
		if whID == "" {
			whID = client.Config().WarehouseID
		}
		if whID == "" {
			s.Close()
			return nil, input("no SQL warehouse for environment %s: pass --warehouse-id, set DATABRICKS_WAREHOUSE_ID, or add warehouse_id to the profile or the configuration", e.Name)
		}
		key := client.Host() + "|" + whID
		db, ok := dbs[key]
		if !ok {
			db, err = openWarehouse(client, whID, time.Duration(cfg.Timeout), o.Log)
			if err != nil {
				s.Close()
				return nil, input("environment %s: %v", e.Name, err)
			}
			dbs[key] = db
		}
		store, err := warehouse.NewStore(db, tables, warehouse.Databricks)
		if err != nil {
			s.Close()
			return nil, err
		}
		store = s.counters.observe(store)
		wsID := e.WorkspaceID
		if wsID == "" {
			wsID = client.Config().WorkspaceID
		}
		s.envs[e.Name] = &Environment{Config: e, Env: warehouse.Env{Name: e.Name, WorkspaceID: wsID}, Store: store, Workspace: client,
			Warehouse: "SQL warehouse " + whID + " at " + client.Host()}
		if s.ledger == nil {
			s.ledger, s.label = store, client.Host()
		}
	}
	s.discoverWithoutLedger(ctx)
	if err := s.applyPolicyFile(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// applyPolicyFile judges each environment by the verdict policy and bake time of the policy
// file, when the configuration names one (the environments then have no policy key).
func (s *Source) applyPolicyFile() error {
	if s.cfg.PolicyFile == "" {
		return nil
	}
	p, err := s.Policy()
	if err != nil {
		return err
	}
	for _, ep := range p.Environments {
		if e, ok := s.envs[ep.Name]; ok {
			v := ep.Verdict
			e.verdict = &v
		}
	}
	return nil
}

// resolveWorkspaceID asks the workspace for its id when the configuration names none: the
// system tables hold every workspace of the region and must be filtered by it.
func (e *Environment) resolveWorkspaceID(ctx context.Context) error {
	if e.Env.WorkspaceID != "" {
		return nil
	}
	w, err := databricks.NewWorkspaceClient((*databricks.Config)(e.Workspace.Config()))
	if err != nil {
		return err
	}
	id, err := w.CurrentWorkspaceID(ctx)
	if err != nil {
		return input("finding the workspace id of environment %s (set workspace_id in the configuration to skip this): %v", e.Env.Name, err)
	}
	e.Env.WorkspaceID = strconv.FormatInt(id, 10)
	return nil
}

// openWarehouse connects database/sql to a SQL warehouse through databricks-sql-go.
func openWarehouse(client *workspace.Client, warehouseID string, timeout time.Duration, log io.Writer) (*sql.DB, error) {
	return openWarehouseAt(client, "/sql/1.0/warehouses/"+warehouseID, timeout, log)
}

// openWarehouseAt connects database/sql through databricks-sql-go to the warehouse at an
// HTTP path of the client's host. The host is a URL: scheme, name and port are taken apart
// because the connector wants the port on its own (default 443) and plain http (the
// simulation's loopback servers) spelled in the host name.
func openWarehouseAt(client *workspace.Client, httpPath string, timeout time.Duration, log io.Writer) (*sql.DB, error) {
	// The driver logs to stderr by default; its messages belong in the debug log only.
	dbsqllog.SetLogOutput(log)
	u, err := url.Parse(client.Config().Host)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("the workspace host %q is not a URL", client.Config().Host)
	}
	port := 443
	host := u.Hostname()
	if u.Scheme == "http" {
		port, host = 80, "http://"+host
	}
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	connector, err := dbsql.NewConnector(
		dbsql.WithServerHostname(host),
		dbsql.WithPort(port),
		dbsql.WithHTTPPath(httpPath),
		dbsql.WithAuthenticator(client.Config()),
		dbsql.WithTimeout(timeout),
		dbsql.WithRetries(2, time.Second, 5*time.Second),
		dbsql.WithSessionParams(map[string]string{"timezone": "UTC", "ansi_mode": "true"}),
		dbsql.WithUserAgentEntry("release-cockpit"),
	)
	if err != nil {
		return nil, fmt.Errorf("configuring the SQL connection to warehouse %s: %w", httpPath, err)
	}
	return sql.OpenDB(connector), nil
}

// TablesOf is the configuration's table names: the system tables with its overrides and
// the ledger schema it names.
func TablesOf(cfg config.Config) (warehouse.Tables, error) {
	tables, err := warehouse.DefaultTables().Overrides(withLedger(cfg.Tables, cfg.Ledger))
	if err != nil {
		return tables, input("%s: tables: %v", cfgName(cfg), err)
	}
	return tables, nil
}

func withLedger(tables map[string]string, ledger string) map[string]string {
	out := map[string]string{}
	for k, v := range tables {
		out[k] = v
	}
	if ledger != "" {
		out["ledger"] = ledger
	}
	return out
}

func cfgName(c config.Config) string {
	if c.Path == "" {
		return "configuration"
	}
	return c.Path
}

// profileProblem says what is wrong with a profile and how to fix it.
func profileProblem(profile string, err error) string {
	name := profile
	if name == "" {
		name = "DEFAULT"
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "has no") && strings.Contains(msg, "profile"):
		return fmt.Sprintf("profile %s is not in your Databricks configuration file: run `databricks auth login --profile %s` or pass another --profile", name, name)
	case strings.Contains(msg, "cannot configure default credentials"), strings.Contains(msg, "default auth"):
		return fmt.Sprintf("no Databricks credentials for profile %s: run `databricks auth login --profile %s`, or set DATABRICKS_HOST and DATABRICKS_TOKEN", name, name)
	}
	return fmt.Sprintf("profile %s cannot be used (%s): check ~/.databrickscfg or run `databricks auth login --profile %s`", name, strings.Join(strings.Fields(msg), " "), name)
}
