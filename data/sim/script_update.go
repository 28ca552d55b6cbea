package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A scripted update is an update of one of a bundle's pipelines that a test (or a demo)
// makes happen, ended by the simulation's now, with a chosen result and a chosen failure
// ratio of the pipeline's first expectation. It is written where catch-up writes an update
// that ended (by the same statements, moveSQL): the pipeline update timeline, the flows and
// the expectation results. So the REST API reports it at once (the pipelines' latest
// updates, its events with their data quality), and the delayed views the cockpit reads
// show it only after Options.Lag, as Databricks' system tables would.

// ScriptedUpdate says which update to make happen.
type ScriptedUpdate struct {
	Environment string
	Bundle      string
	// Pipeline is the pipeline's resource key in the bundle; empty: the bundle's first.
	Pipeline string
	// Start and End are when the update starts and ends: End after Start, and not after
	// the simulation's now (a scripted update has ended).
	Start, End time.Time
	// Result is COMPLETED, FAILED or CANCELED. Only a completed update writes its tables and
	// reports expectation results, as the simulation's own updates do.
	Result string
	// Rows is how many records each expectation checks (zero: 10,000); FailureRatio the share
	// of them the pipeline's first expectation fails (its others fail a fraction of a percent).
	Rows         int64
	FailureRatio float64
}

// ScriptUpdate makes u happen and returns its pipeline id and update id. The bundle,
// environment and pipeline must be the estate's: a typo says so instead of scripting nothing.
func (s *Sim) ScriptUpdate(ctx context.Context, u ScriptedUpdate) (pipelineID, updateID string, err error) {
	switch {
	case !slices.Contains(Environments, u.Environment):
		return "", "", fmt.Errorf("the simulated estate has no environment %q: use dev, staging or prod", u.Environment)
	case u.Result != "COMPLETED" && u.Result != "FAILED" && u.Result != "CANCELED":
		return "", "", fmt.Errorf("a scripted update ends COMPLETED, FAILED or CANCELED, not %q", u.Result)
	case !u.End.After(u.Start):
		return "", "", fmt.Errorf("a scripted update must end after it starts (%s, %s)", u.Start.Format(time.RFC3339), u.End.Format(time.RFC3339))
	case u.End.After(s.Now()):
		return "", "", fmt.Errorf("a scripted update must have ended by the simulation's now (%s), not at %s", s.Now().Format(time.RFC3339), u.End.Format(time.RFC3339))
	case u.FailureRatio < 0 || u.FailureRatio > 1:
		return "", "", fmt.Errorf("a failure ratio is between 0 and 1, not %g", u.FailureRatio)
	}
	b := s.gen.e.byName[u.Bundle]
	if b == nil || len(b.pipes) == 0 {
		return "", "", fmt.Errorf("the simulated estate has no bundle %q with pipelines", u.Bundle)
	}
	key := b.pipes[0].key
	if u.Pipeline != "" {
		key = ""
		for _, p := range b.pipes {
			if p.key == u.Pipeline {
				key = p.key
			}
		}
		if key == "" {
			return "", "", fmt.Errorf("bundle %s has no pipeline %q", u.Bundle, u.Pipeline)
		}
	}
	err = s.db.QueryRowContext(ctx, `SELECT resource_id FROM sim.sim_internal.bundle_resources
WHERE bundle = ? AND environment = ? AND resource_type = 'pipeline' AND resource_key = ?`, u.Bundle, u.Environment, key).Scan(&pipelineID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("pipeline %s of bundle %s is not deployed in %s", key, u.Bundle, u.Environment)
	} else if err != nil {
		return "", "", fmt.Errorf("reading pipeline %s of bundle %s: %w", key, u.Bundle, err)
	}
	rows := u.Rows
	if rows <= 0 {
		rows = 10_000
	}
	start, end := u.Start.UTC().Truncate(time.Millisecond), u.End.UTC().Truncate(time.Millisecond)
	updateID = uuidOf("script-update", pipelineID, start.UnixMilli())
	// No interleaving with catch-up, which writes the same tables.
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return "", "", err
	}
	defer conn.Close()
	// The update is staged as catch-up stages one (materialize), in a table of its own, then
	// moved by catch-up's own statements for updates; staging stays out of the transaction,
	// which may write only to the estate.
	const staged = "memory.main.script_updates"
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TABLE `+staged+` AS SELECT * FROM sim.sim_internal.pipeline_updates LIMIT 0`); err != nil {
		return "", "", fmt.Errorf("scripting an update of pipeline %s: %w", pipelineID, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+staged)
	var num, ratio any
	if u.Result == "COMPLETED" {
		num, ratio = rows, u.FailureRatio
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO `+staged+` VALUES (?, ?, ?, 'REFRESH', 'API_CALL', NULL, ?, ?, ?, ?, ?, ?)`,
		WorkspaceID(u.Environment), pipelineID, updateID, start, end, u.Result, people[3].UserName, num, ratio); err != nil {
		return "", "", fmt.Errorf("scripting an update of pipeline %s: %w", pipelineID, err)
	}
	defer s.wrote() // what the REST server read before is read again (memo.go)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return "", "", err
	}
	defer tx.Rollback()
	moved := 0
	for _, q := range moveSQL {
		if !strings.Contains(q, "memory.main.st_updates") {
			continue
		}
		if _, err := tx.ExecContext(ctx, strings.ReplaceAll(q, "memory.main.st_updates", staged)); err != nil {
			return "", "", fmt.Errorf("scripting an update of pipeline %s: %w", pipelineID, err)
		}
		moved++
	}
	if moved == 0 {
		return "", "", errors.New("scripting an update: catch-up no longer stages updates in st_updates")
	}
	if err := tx.Commit(); err != nil {
		return "", "", fmt.Errorf("scripting an update of pipeline %s: %w", pipelineID, err)
	}
	return pipelineID, updateID, nil
}
