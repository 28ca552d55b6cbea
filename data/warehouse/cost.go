package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

//go:embed cost.sql
var costSQL string

//go:embed billing_freshness.sql
var billingFreshnessSQL string

// CostItem and Cost are model.CostItem and model.Cost: the types moved to model so the UI
// can show them without importing the warehouse.
type (
	CostItem = model.CostItem
	Cost     = model.Cost
)

// DeploymentCost returns the DBUs of each job run and pipeline update that started in the
// deployment's window, from billing usage (job_run_id / dlt_update_id attribution), with
// the name of its job or pipeline and how late billing is, in one round trip. A row
// without a run or update id, or whose DBUs are not a number, is left out and counted in
// Cost.Skipped (a zero would read like data).
func (s *Store) DeploymentCost(ctx context.Context, env Env, d model.Deployment) (Cost, error) {
	if err := env.validate(); err != nil {
		return Cost{}, err
	}
	scan, window := windowArgs(env, d.Window)
	from := date(d.Window.Start)
	args := []any{d.Release.ID(), env.Name}
	args = append(append(args, scan...), window...)
	args = append(append(args, scan...), window...)
	args = append(args, env.WorkspaceID, from, date(scanTo(d.Window.End)), env.WorkspaceID, env.WorkspaceID)
	// How late billing is goes out beside the cost: one round trip.
	var through time.Time
	late := make(chan error, 1)
	go func() {
		late <- s.query(ctx, "reading how late billing is", billingFreshnessSQL, []any{env.WorkspaceID, from}, func(rows *sql.Rows) error {
			v, err := scanAny(rows, 1)
			if err != nil {
				return err
			}
			through = whenOrZero(v[0])
			return nil
		})
	}()
	var c Cost
	err := s.query(ctx, "reading the cost of "+d.Release.ID(), costSQL, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 5)
		if err != nil {
			return err
		}
		it := CostItem{ResourceType: text(v[0]), ResourceID: text(v[1]), RunID: text(v[2]), ResourceName: text(v[4])}
		var ok bool
		if _, hasRun := present(v[2]); !hasRun {
			c.Skipped.Add(model.SkipNoRunID, "")
			return nil
		}
		if it.DBUs, ok = number(v[3]); !ok {
			c.Skipped.Add(model.SkipNoDBUs, "")
			return nil
		}
		c.Items = append(c.Items, it)
		c.DBUs += it.DBUs
		return nil
	})
	if lerr := <-late; err == nil {
		err = lerr
	}
	if err != nil {
		return Cost{}, err
	}
	c.DataThrough = through
	return c, nil
}
