package sim

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The hostile estate (--demo-hostile): on top of the ordinary one, each environment's ledger
// gets the rows that CI pipelines, scripts and people really write by mistake, and the
// system tables a job and a pipeline whose every string carries escape sequences. The
// rows belong to bundles of their own ("hostile_..."), so every good deployment comes out
// exactly as in the ordinary estate.

// Hostile is what the planted strings carry: CSI (colour, clear screen), OSC 52 (write the
// clipboard), BEL, a C1 control (CSI in one byte), and bidirectional overrides.
const Hostile = "\x1b[31mred\x1b[0m\x1b[2J\x1b]52;c;ZWNobyBwd25lZA==\x07\a\u009b31m\u202eevil\u202c"

// HostileBundles are the bundles whose deployments the hostile estate adds (and keeps: they
// are deployments, however odd); HostileLongBundle is 5,000 characters long.
var (
	HostileLongBundle = "hostile_" + strings.Repeat("long", 1248)
	HostileBundles    = []string{"hostile_escapes" + Hostile, HostileLongBundle, "hostile_future", "hostile_types"}
)

// HostileLeftOut is how many ledger rows per environment the hostile estate adds that are no
// deployment (no release id, no bundle, no time, no event id), and their event ids.
const HostileLeftOut = 4

// hostileJobID, hostilePipelineID and hostileUpdateID are the hostile bundle's job,
// pipeline and pipeline update.
func hostileJobID(env string) string { return fmt.Sprint(jobID(env, 98, 0)) }
func hostilePipelineID(env string) string {
	return fmt.Sprintf("00000000-0000-4000-8000-0000000000%02d", envIndex(env))
}
func hostileUpdateID(env string) string {
	return fmt.Sprintf("00000000-0000-4000-9000-0000000000%02d", envIndex(env))
}

// plantHostile adds the hostile rows once (they are keyed by event id and never planted
// twice), around the estate's clock when first planted.
func (s *Sim) plantHostile(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sim.release_cockpit.release_events WHERE event_id LIKE 'hostile-%'`).Scan(&n); err != nil {
		return fmt.Errorf("planting the hostile rows: %w", err)
	}
	if n > 0 {
		return nil
	}
	now := s.Now().Truncate(time.Minute)
	defer s.wrote()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, env := range Environments {
		for _, st := range hostileRows(env, now) {
			if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
				return fmt.Errorf("planting the hostile rows of %s: %w", env, err)
			}
		}
	}
	return tx.Commit()
}

type statement struct {
	sql  string
	args []any
}

const hostileEvent = `INSERT INTO sim.release_cockpit.release_events
  (event_id, release_id, bundle, version, git_sha, environment, kind, status, actor, "at", ticket, reason, run_id, details)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP), ?, ?, ?, ?)`

// hostileRows are the statements that plant an environment's hostile rows.
func hostileRows(env string, now time.Time) []statement {
	at := func(d time.Duration) any { return now.Add(d).Format("2006-01-02 15:04:05") }
	id := func(s string) string { return "hostile-" + env + "-" + s }
	ev := func(eventID, releaseID, bundle, version, gitSHA any, kind, status, actor string, when, ticket, details any) statement {
		return statement{hostileEvent, []any{eventID, releaseID, bundle, version, gitSHA, env, kind, status, actor, when, ticket, nil, nil, details}}
	}
	esc := HostileBundles[0]
	escVersion := "1.0" + Hostile
	escRelease := esc + "@" + escVersion
	ws := WorkspaceID(env)
	job, pipe := hostileJobID(env), hostilePipelineID(env)
	longActor := strings.Repeat("a", 4990) + Hostile
	return []statement{
		// No deployment: left out and counted.
		ev(id("no-release"), nil, nil, nil, nil, "deploy_succeeded", "succeeded", "script", at(-2*time.Hour), nil, nil),
		ev(id("no-bundle"), "hostile_nobundle@1", nil, "1", nil, "deploy_succeeded", "succeeded", "script", at(-3*time.Hour), nil, nil),
		ev(id("no-time"), "hostile_notime@1", "hostile_notime", "1", nil, "deploy_succeeded", "succeeded", "script", nil, nil, nil),
		ev(nil, "hostile_noid@1", "hostile_noid", "1", nil, "deploy_succeeded", "succeeded", "script", at(-4*time.Hour), nil, nil),
		// Deployments, however odd: shown for what they are.
		ev(id("escapes"), escRelease, esc, escVersion, "abc\a"+Hostile, "deploy_succeeded", "succeeded"+Hostile, "ci"+Hostile+"@example.com", at(-6*time.Hour), "CHG-1"+Hostile, `{"note":"`+strings.ReplaceAll(Hostile, "\x1b", `\u001b`)+`"}`),
		ev(id("long"), HostileLongBundle+"@1", HostileLongBundle, "1", strings.Repeat("f", 5000), "deploy_succeeded", "succeeded", longActor, at(-5*time.Hour), strings.Repeat("T", 5000), nil),
		ev(id("future"), "hostile_future@9999.1", "hostile_future", "9999.1", "0000000", "deploy_succeeded", "succeeded", "time-traveller", at(72*time.Hour), nil, nil),
		ev(id("types"), "hostile_types@-1", "hostile_types", nil, "12345", "deploy_succeeded", "1", "true", at(-7*time.Hour), "NaN", "[1,2,"),
		ev(id("types-failed"), "hostile_types@-1", "hostile_types", "-1", nil, "deploy_failed", "0", "true", at(-7*time.Hour-time.Minute), nil, "{deploy result: not json"),
		// Checks of the escapes release: details not JSON, of the wrong types, absurd values.
		ev(id("check-notjson"), escRelease, esc, escVersion, nil, "check", "fail", "ci", at(-5*time.Hour-30*time.Minute), nil, "{not json"+Hostile),
		ev(id("check-types"), escRelease, esc, escVersion, nil, "check", "pass", "ci", at(-5*time.Hour-29*time.Minute), nil, `{"name": 42, "observed": {"x": 1}, "threshold": [1, 2]}`),
		ev(id("check-ratio"), escRelease, esc, escVersion, nil, "check", "pass", "ci", at(-5*time.Hour-28*time.Minute), nil,
			`{"name": "ratio\u001b[31m", "phase": "post", "observed": "250%", "threshold": "<= 100%"}`),
		ev(id("check-nostatus"), escRelease, esc, escVersion, nil, "check", "", "ci", at(-5*time.Hour-27*time.Minute), nil, nil),
		// The escapes release runs a job and a pipeline whose strings are hostile too: a run
		// that ends before it starts, an update whose expectations fail 150% of their records.
		{`INSERT INTO sim.release_cockpit.release_resources VALUES (?, ?, 'job', 'hostile_job', ?, ?), (?, ?, 'pipeline', 'hostile_pipeline', ?, ?)`,
			[]any{escRelease, env, job, "job" + Hostile, escRelease, env, pipe, "pipeline" + Hostile}},
		{`INSERT INTO sim.lakeflow.jobs (account_id, workspace_id, job_id, name, description, tags, change_time, create_time, run_as_user_name, creator_user_name)
  VALUES (?, ?, ?, ?, ?, MAP {'team': ?}, CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), ?, ?)`,
			[]any{AccountID, ws, job, "hostile job" + Hostile, Hostile, "team" + Hostile, at(-30 * 24 * time.Hour), at(-30 * 24 * time.Hour), "ci" + Hostile, "ci" + Hostile}},
		{`INSERT INTO sim.lakeflow.job_run_timeline (account_id, workspace_id, job_id, run_id, period_start_time, period_end_time,
  trigger_type, run_type, run_name, result_state, termination_code, job_parameters)
  VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), 'CRON', 'JOB_RUN', ?, 'SUCCEEDED', 'SUCCESS' , MAP {'p': ?})`,
			[]any{AccountID, ws, job, job + "1", at(-5*time.Hour - 20*time.Minute), at(-5*time.Hour - 50*time.Minute), "run" + Hostile, Hostile}},
		// A run slice without a run id: no run, left out of the Runs tab and counted there.
		{`INSERT INTO sim.lakeflow.job_run_timeline (account_id, workspace_id, job_id, run_id, period_start_time, period_end_time,
  trigger_type, run_type, run_name, result_state, termination_code)
  VALUES (?, ?, ?, NULL, CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), 'CRON', 'JOB_RUN', 'no run id', 'SUCCEEDED', 'SUCCESS')`,
			[]any{AccountID, ws, job, at(-5*time.Hour - 15*time.Minute), at(-5*time.Hour - 14*time.Minute)}},
		{`INSERT INTO sim.lakeflow.pipelines (account_id, workspace_id, pipeline_id, pipeline_type, name, created_by, run_as, create_time, change_time)
  VALUES (?, ?, ?, 'ETL_PIPELINE', ?, ?, ?, CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP))`,
			[]any{AccountID, ws, pipe, "hostile pipeline" + Hostile, "ci" + Hostile, "ci" + Hostile, at(-30 * 24 * time.Hour), at(-30 * 24 * time.Hour)}},
		{`INSERT INTO sim.lakeflow.pipeline_update_timeline (account_id, workspace_id, pipeline_id, update_id, update_type, trigger_type,
  result_state, period_start_time, period_end_time, run_as_user_name)
  VALUES (?, ?, ?, ?, 'FULL_REFRESH', 'API_CALL', 'COMPLETED', CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), ?)`,
			[]any{AccountID, ws, pipe, hostileUpdateID(env), at(-5*time.Hour - 10*time.Minute), at(-5 * time.Hour), "ci" + Hostile}},
		{`INSERT INTO sim.release_cockpit.expectation_results VALUES (?, ?, ?, ?, ?, -100, 300, CAST(? AS TIMESTAMP))`,
			[]any{ws, pipe, hostileUpdateID(env), "main.hostile.table" + Hostile, "expect" + Hostile, at(-5 * time.Hour)}},
	}
}
