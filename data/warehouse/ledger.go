package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/release-cockpit/cockpit/model"
)

//go:embed previous_deployment.sql
var previousDeploymentSQL string

//go:embed checks.sql
var checksSQL string

//go:embed events.sql
var eventsSQL string

//go:embed append_event.sql
var appendEventSQL string

//go:embed append_resource.sql
var appendResourceSQL string

// previous is the deployment before another of the same bundle in the same environment.
type previous = model.PreviousDeployment

// previousDeployment finds the deployment before d; ok is false for the first one.
func (s *Store) previousDeployment(ctx context.Context, env Env, d model.Deployment) (p previous, ok bool, err error) {
	if d.Previous != nil { // the listing found it: no statement
		return *d.Previous, d.Previous.ID != "", nil
	}
	at := ts(d.DeployedAt)
	args := []any{env.Name, d.Release.Bundle, at, at, d.ID}
	err = s.query(ctx, "finding the deployment before "+d.ID, previousDeploymentSQL, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 4)
		if err != nil {
			return err
		}
		at, hasTime := when(v[2])
		if id, hasID := present(v[0]); hasID && hasTime {
			p, ok = previous{ID: id, ReleaseID: text(v[1]), DeployedAt: at, GitSHA: text(v[3])}, true
		}
		return nil
	})
	return p, ok, err
}

// DeploymentChecks returns the checks of a deployment, oldest first: the post-deploy checks
// of its release reported from the deploy up to the release's own next deployment in the
// environment, and the pre-deploy checks of its release reported since the previous
// deployment of the bundle landed (they ran before the deploy). ListDeployments counts only
// the post-deploy ones.
func (s *Store) DeploymentChecks(ctx context.Context, env Env, d model.Deployment) ([]model.Check, error) {
	if err := env.validate(); err != nil {
		return nil, err
	}
	prev, ok, err := s.previousDeployment(ctx, env, d)
	if err != nil {
		return nil, err
	}
	from := epoch
	if ok {
		from = prev.DeployedAt
	}
	at := ts(d.DeployedAt)
	args := []any{d.Release.ID(), env.Name, at, at, d.ID, d.Release.ID(), env.Name, ts(from)}
	var out []model.Check
	err = s.query(ctx, "reading the checks of "+d.Release.ID(), checksSQL, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 4)
		if err != nil {
			return err
		}
		out = append(out, decodeCheck(v))
		return nil
	})
	return out, err
}

// checkDetails is the JSON of a check event's details column.
type checkDetails struct {
	Name      string          `json:"name"`
	Phase     string          `json:"phase"`
	Observed  json.RawMessage `json:"observed"`
	Threshold json.RawMessage `json:"threshold"`
	NoData    bool            `json:"no_data"`
}

// decodeCheck builds a check from its ledger row (event id, status, details, at). Details
// that do not parse keep the check, marked DetailsUnreadable, rather than failing the whole
// list: the ledger is written by several tools. The raw text goes to the debug log.
func decodeCheck(v []any) model.Check {
	c := model.Check{EventID: text(v[0]), Outcome: model.Outcome(strings.TrimSpace(text(v[1]))), At: whenOrZero(v[3])}
	details, _ := str(v[2])
	if strings.TrimSpace(details) == "" {
		return c
	}
	var d checkDetails
	if err := json.Unmarshal([]byte(details), &d); err != nil {
		c.DetailsUnreadable = true
		slog.Debug("check details are not JSON", "event_id", c.EventID, "details", details, "error", err)
		return c
	}
	c.Name, c.Phase, c.NoData = d.Name, model.Phase(d.Phase), d.NoData
	c.Observed, c.Threshold = jsonText(d.Observed), jsonText(d.Threshold)
	return c
}

// jsonText renders a JSON scalar as text: strings unquoted, numbers and booleans as written.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// DeploymentEvents returns the ledger events of the deployment's release in the environment
// (and its vetoes from anywhere), oldest first, each event once: the Audit tab.
func (s *Store) DeploymentEvents(ctx context.Context, env Env, d model.Deployment) ([]model.LedgerEvent, error) {
	if err := env.validate(); err != nil {
		return nil, err
	}
	args := []any{d.Release.ID(), env.Name}
	var out []model.LedgerEvent
	err := s.query(ctx, "reading the ledger of "+d.Release.ID(), eventsSQL, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 14)
		if err != nil {
			return err
		}
		out = append(out, decodeEvent(v))
		return nil
	})
	return out, err
}

// AppendEvents appends ledger events, each unless its event_id is already recorded. There
// is no transaction (a SQL warehouse has none to offer): on error, retry the whole call;
// events already written are skipped.
func (s *Store) AppendEvents(ctx context.Context, events ...model.LedgerEvent) error {
	text := s.sql(appendEventSQL)
	for _, e := range events {
		if e.EventID == "" || e.ReleaseID == "" || e.Environment == "" || e.Kind == "" || e.At.IsZero() {
			return fmt.Errorf("%w: ledger event %q needs an event id, release, environment, kind and time", ErrInvalidInput, e.EventID)
		}
		var runID any // NULL when there is none
		if e.RunID != 0 {
			runID = e.RunID
		}
		var details any
		if strings.TrimSpace(e.Details) != "" {
			if !json.Valid([]byte(e.Details)) {
				return fmt.Errorf("%w: details of ledger event %s are not JSON", ErrInvalidInput, e.EventID)
			}
			details = e.Details
		}
		s.sent(ctx)
		_, err := s.db.ExecContext(ctx, text,
			e.EventID, e.ReleaseID, e.Bundle, e.Version, e.GitSHA, e.Environment, string(e.Kind),
			e.Status, e.Actor, ts(e.At), e.Ticket, e.Reason, runID, details,
			e.EventID)
		if err != nil {
			return fmt.Errorf("appending %s event %s of %s: %w", e.Kind, e.EventID, e.ReleaseID, err)
		}
	}
	return nil
}

// AppendResources records the jobs and pipelines a release deploys in an environment, each
// (release, environment, type, key) once.
func (s *Store) AppendResources(ctx context.Context, resources ...model.ReleaseResource) error {
	text := s.sql(appendResourceSQL)
	for _, r := range resources {
		if r.ReleaseID == "" || r.Environment == "" || r.ResourceKey == "" || r.ResourceID == "" ||
			(r.ResourceType != "job" && r.ResourceType != "pipeline") {
			return fmt.Errorf("%w: release resource %+v needs a release, environment, key, id and type job or pipeline", ErrInvalidInput, r)
		}
		s.sent(ctx)
		_, err := s.db.ExecContext(ctx, text,
			r.ReleaseID, r.Environment, r.ResourceType, r.ResourceKey, r.ResourceID, r.Name,
			r.ReleaseID, r.Environment, r.ResourceType, r.ResourceKey)
		if err != nil {
			return fmt.Errorf("recording %s %s of %s: %w", r.ResourceType, r.ResourceKey, r.ReleaseID, err)
		}
	}
	return nil
}

// decodeEvent reads a row of events.sql. Every event of the release is kept: the audit
// trail shows what is there, missing fields empty and unreadable times zero.
func decodeEvent(v []any) model.LedgerEvent {
	e := model.LedgerEvent{
		EventID: text(v[0]), ReleaseID: text(v[1]), Bundle: text(v[2]), Version: text(v[3]), GitSHA: text(v[4]),
		Environment: text(v[5]), Kind: model.EventKind(text(v[6])), Status: text(v[7]), Actor: text(v[8]),
		At: whenOrZero(v[9]), Ticket: text(v[10]), Reason: text(v[11]), RunID: count(v[12]), Details: text(v[13]),
	}
	// Validating parses every event's details (the board reads tens of thousands): only
	// when the debug log would show the answer.
	if e.Details != "" && slog.Default().Enabled(context.Background(), slog.LevelDebug) && !json.Valid([]byte(e.Details)) {
		slog.Debug("ledger event details are not JSON", "event_id", e.EventID, "details", e.Details)
	}
	return e
}
