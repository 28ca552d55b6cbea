package sim

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// generator turns the estate's shape, the seed and the stories into rows.
type generator struct {
	seed int64
	e    *estate
	st   *stories
	tl   *timeline
	// tlUntil is how far tl runs: built ahead of the clock and kept while it suffices.
	tlUntil time.Time
	start   time.Time // first instant of history
	seeds   map[string]uint64
	// unrecorded are the bundles whose deployments the ledger never records (Options.Unrecorded).
	unrecorded map[string]bool
}

// DeployerJobID is the job that deploys releases into an environment (DESIGN §6).
func DeployerJobID(env string) int64 { return jobID(env, 99, 0) }

// DeployerJobName is the name of an environment's deployer job.
func DeployerJobName(env string) string { return "release-cockpit-deployer-" + env }

// deployerEnv is the environment whose deployer job id is, if it is one.
func deployerEnv(jobID string) (string, bool) {
	for _, env := range Environments {
		if fmt.Sprint(DeployerJobID(env)) == jobID {
			return env, true
		}
	}
	return "", false
}

// metadataPath is where a bundle's metadata.json lives in a target.
func metadataPath(bundle, env string) string { return bundleRoot(bundle, env) + "/state/metadata.json" }

// objectDDL stages the objects of a new estate; objectSQL moves them in, nested columns built in SQL.
const objectDDL = `
CREATE OR REPLACE TABLE memory.main.o_jobs (` + jobStageCols + `);
CREATE OR REPLACE TABLE memory.main.o_pipes (` + pipeStageCols + `);
CREATE OR REPLACE TABLE memory.main.o_acls AS SELECT * FROM sim.sim_internal.acls LIMIT 0;
CREATE OR REPLACE TABLE memory.main.o_files AS SELECT * FROM sim.sim_internal.workspace_files LIMIT 0;
CREATE OR REPLACE TABLE memory.main.o_io AS SELECT * FROM sim.sim_internal.resource_io LIMIT 0;
CREATE OR REPLACE TABLE memory.main.o_exp AS SELECT * FROM sim.sim_internal.expectation_defs LIMIT 0;
CREATE OR REPLACE TABLE memory.main.o_tasks AS SELECT * FROM sim.sim_internal.task_defs LIMIT 0;
CREATE OR REPLACE TABLE memory.main.o_res AS SELECT * FROM sim.sim_internal.bundle_resources LIMIT 0;
`

var objectTables = []string{"o_jobs", "o_pipes", "o_acls", "o_files", "o_io", "o_exp", "o_tasks", "o_res"}

var objectSQL = []string{
	jobRowsSQL("memory.main.o_jobs"),
	`INSERT INTO sim.lakeflow.job_tasks SELECT '` + AccountID + `', t.workspace_id, t.job_id, t.task_key,
	  CASE WHEN t.ordinal = 0 THEN [] ELSE [p.task_key] END, j.created, NULL, 3600
	FROM memory.main.o_tasks t JOIN memory.main.o_jobs j ON j.workspace_id = t.workspace_id AND j.job_id = t.job_id
	LEFT JOIN memory.main.o_tasks p ON p.workspace_id = t.workspace_id AND p.job_id = t.job_id AND p.ordinal = t.ordinal - 1`,
	pipeRowsSQL("memory.main.o_pipes"),
	`INSERT INTO sim.sim_internal.acls SELECT * FROM memory.main.o_acls`,
	`INSERT INTO sim.sim_internal.workspace_files SELECT * FROM memory.main.o_files`,
	`INSERT INTO sim.sim_internal.resource_io SELECT * FROM memory.main.o_io`,
	`INSERT INTO sim.sim_internal.expectation_defs SELECT * FROM memory.main.o_exp`,
	`INSERT INTO sim.sim_internal.task_defs SELECT * FROM memory.main.o_tasks`,
	`INSERT INTO sim.sim_internal.bundle_resources SELECT * FROM memory.main.o_res`,
}

// ciPrincipalID is the SCIM id of the CI service principal.
const ciPrincipalID = "4410021984412304"

// writeObjects writes what exists before any run: jobs and their tasks, pipelines, what each
// reads and writes, their expectations and ACLs, the bundles' metadata.json, the people
// and the workspaces.
func (g *generator) writeObjects(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, objectDDL); err != nil {
		return fmt.Errorf("staging the estate's objects: %w", err)
	}
	apps := map[string]*duckdb.Appender{}
	defer func() {
		for _, a := range apps {
			a.Close()
		}
	}()
	if err := conn.Raw(func(dc any) error {
		for _, t := range objectTables {
			a, err := duckdb.NewAppender(dc.(driver.Conn), "memory", "main", t)
			if err != nil {
				return err
			}
			apps[t] = a
		}
		return nil
	}); err != nil {
		return fmt.Errorf("staging the estate's objects: %w", err)
	}
	var err error
	add := func(t string, v ...driver.Value) {
		if err == nil {
			err = apps[t].AppendRow(v...)
		}
	}
	created := g.start.Add(-30 * 24 * time.Hour)
	for _, env := range Environments {
		ws := WorkspaceID(env)
		for _, b := range g.e.bundles {
			mp := metadataPath(b.name, env)
			for j, r := range b.jobs {
				id := fmt.Sprint(jobID(env, b.index, j))
				add("o_jobs", ws, id, resourceName(env, r.key), b.name, env, b.catalog, mp, created, created, nil,
					ciPrincipalID, ciPrincipal, cronOf(r), int64(baseTimeout), int64(baseHealthMax), nil)
				add("o_res", b.name, env, "job", r.key, id, resourceName(env, r.key))
				for t, k := range r.tasks {
					add("o_tasks", ws, id, k, int32(t), int32(len(r.tasks)))
				}
				addIO(add, ws, "JOB", id, b, r)
				for _, a := range jobACL(ws, "jobs", id, env) {
					add("o_acls", a...)
				}
			}
			for _, r := range b.pipes {
				id := pipelineID(env, r.key)
				add("o_pipes", ws, id, resourceName(env, r.key), b.name, env, b.catalog, mp, created, sourcePath(b.name, env),
					created, nil, baseChannel, true, nil)
				add("o_res", b.name, env, "pipeline", r.key, id, resourceName(env, r.key))
				addIO(add, ws, "PIPELINE", id, b, r)
				for i, x := range r.expects {
					for _, t := range r.writes {
						add("o_exp", ws, id, t, x, int32(i))
					}
				}
				for _, a := range jobACL(ws, "pipelines", id, env) {
					add("o_acls", a...)
				}
			}
			add("o_files", ws, mp, metadataDoc(b, env, "", nil), created)
		}
		// The deployer job of the environment: the only way releases reach it.
		id := fmt.Sprint(DeployerJobID(env))
		add("o_jobs", ws, id, DeployerJobName(env), "release_cockpit", env, "ops", "", created, created, nil,
			ciPrincipalID, ciPrincipal, nil, int64(baseTimeout), int64(baseHealthMax), nil)
		for t, k := range deployerTasks {
			add("o_tasks", ws, id, k, int32(t), int32(len(deployerTasks)))
		}
		for _, a := range deployerACL(ws, id, env) {
			add("o_acls", a...)
		}
	}
	if err != nil {
		return fmt.Errorf("staging the estate's objects: %w", err)
	}
	for _, a := range apps {
		if err := a.Flush(); err != nil {
			return fmt.Errorf("staging the estate's objects: %w", err)
		}
	}
	stmts := append([]string(nil), objectSQL...)
	// The people and workspaces are constants of this package, not input.
	for _, u := range people {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO sim.sim_internal.users VALUES ('%s', '%s', '%s', '%s', '%s', '%s')",
			u.UserName, u.DisplayName, u.ID, u.Token, strings.Join(u.Groups, ","), u.Role))
	}
	for _, env := range Environments {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO sim.sim_internal.workspaces VALUES ('%s', '%s', 'sim-%s')", WorkspaceID(env), env, env))
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("writing the estate's objects: %w", err)
		}
	}
	return nil
}

// addIO records what a resource reads and writes: one row per (source, target) pair, a
// source-only row for a resource that writes nothing, a path source for bronze ingestion.
func addIO(add func(string, ...driver.Value), ws, entity, id string, b *bundleSpec, r resourceSpec) {
	if len(r.reads) == 0 {
		for _, w := range r.writes {
			add("o_io", ws, entity, id, nil, w, "s3://landing/"+b.catalog+"/"+b.name+"/")
		}
		return
	}
	for _, src := range r.reads {
		if len(r.writes) == 0 {
			add("o_io", ws, entity, id, src, nil, nil)
		}
		for _, w := range r.writes {
			add("o_io", ws, entity, id, src, w, nil)
		}
	}
}

// metadataDoc is a bundle's metadata.json in a target, with the commit last deployed and
// the pipelines its version adds beyond the bundle's shape.
func metadataDoc(b *bundleSpec, env, commit string, extra []string) string {
	meta := bundleMetadata{Version: 1}
	meta.Config.Bundle.Name, meta.Config.Bundle.Target, meta.Config.Bundle.Mode = b.name, env, "production"
	if env == "dev" {
		meta.Config.Bundle.Mode = "development"
	}
	meta.Config.Bundle.Git.OriginURL = originURL(b)
	meta.Config.Bundle.Git.Branch = "main"
	meta.Config.Bundle.Git.Commit = commit
	meta.Config.Bundle.Git.BundleRootPath = "."
	meta.Config.Workspace.FilePath = bundleRoot(b.name, env) + "/files"
	meta.Config.Resources.Jobs = map[string]metaResource{}
	meta.Config.Resources.Pipelines = map[string]metaResource{}
	for j, r := range b.jobs {
		meta.Config.Resources.Jobs[r.key] = metaResource{ID: fmt.Sprint(jobID(env, b.index, j)), RelativePath: "resources/jobs.yml"}
	}
	for _, r := range b.pipes {
		meta.Config.Resources.Pipelines[r.key] = metaResource{ID: pipelineID(env, r.key), RelativePath: "resources/pipelines.yml"}
	}
	for _, k := range extra {
		meta.Config.Resources.Pipelines[k] = metaResource{ID: pipelineID(env, k), RelativePath: "resources/pipelines.yml"}
	}
	doc, _ := json.MarshalIndent(meta, "", "  ")
	return string(doc)
}

// jobACL: CI's service principal owns every resource; admins manage; data engineers view
// everywhere and run outside prod; on-call may run prod resources (to repair and re-run).
func jobACL(ws, objectType, id, env string) [][]driver.Value {
	rows := [][]driver.Value{
		{ws, objectType, id, "service_principal", people[3].UserName, "IS_OWNER", false},
		{ws, objectType, id, "group", "admins", "CAN_MANAGE", true},
		{ws, objectType, id, "group", "data-eng", "CAN_VIEW", false},
		{ws, objectType, id, "group", "readers", "CAN_VIEW", false},
	}
	run := "CAN_MANAGE_RUN"
	if objectType == "pipelines" {
		run = "CAN_RUN"
	}
	if env == "prod" {
		rows = append(rows, []driver.Value{ws, objectType, id, "group", "oncall", run, false})
	} else {
		rows = append(rows, []driver.Value{ws, objectType, id, "group", "data-eng", run, false})
	}
	return rows
}

// deployerTasks are the deployer job's tasks, in order: `cockpit gate`, then the deploy.
var deployerTasks = []string{"gate", "deploy"}

// deployerACL: who may ask the deployer job to run. In prod the release managers (promote),
// the on-call engineers (roll back) and the leads; the policy decides which action each may
// take. The deployers group (CI) manages the job; readers may only view it.
func deployerACL(ws, id, env string) [][]driver.Value {
	rows := [][]driver.Value{
		{ws, "jobs", id, "service_principal", people[3].UserName, "IS_OWNER", false},
		{ws, "jobs", id, "group", "admins", "CAN_MANAGE", true},
		{ws, "jobs", id, "group", "deployers", "CAN_MANAGE", false},
		{ws, "jobs", id, "group", "release-managers", "CAN_MANAGE_RUN", false},
		{ws, "jobs", id, "group", "leads", "CAN_MANAGE_RUN", false},
		{ws, "jobs", id, "group", "oncall", "CAN_MANAGE_RUN", false},
		{ws, "jobs", id, "group", "readers", "CAN_VIEW", false},
	}
	if env != "prod" {
		rows = append(rows, []driver.Value{ws, "jobs", id, "group", "data-eng", "CAN_MANAGE_RUN", false})
	}
	return rows
}

// bundleMetadata is the metadata.json that `bundle deploy` writes (reference §5.3).
type bundleMetadata struct {
	Version int `json:"version"`
	Config  struct {
		Bundle struct {
			Name   string `json:"name"`
			Target string `json:"target"`
			Mode   string `json:"mode"`
			Git    struct {
				Branch         string `json:"branch"`
				OriginURL      string `json:"origin_url"`
				Commit         string `json:"commit,omitempty"`
				BundleRootPath string `json:"bundle_root_path"`
			} `json:"git"`
		} `json:"bundle"`
		Workspace struct {
			FilePath string `json:"file_path"`
		} `json:"workspace"`
		Resources struct {
			Jobs      map[string]metaResource `json:"jobs"`
			Pipelines map[string]metaResource `json:"pipelines"`
		} `json:"resources"`
		Presets struct {
			SourceLinkedDeployment bool `json:"source_linked_deployment"`
		} `json:"presets"`
	} `json:"config"`
	Extra struct{} `json:"extra"`
}

type metaResource struct {
	ID           string `json:"id"`
	RelativePath string `json:"relative_path"`
}
