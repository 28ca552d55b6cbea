package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"sort"

	"github.com/release-cockpit/cockpit/model"
)

//go:embed lineage.sql
var lineageSQL string

// DeploymentLineage returns the tables the deployment's runs and updates read (upstream)
// and wrote (hop 0), and the consumers of the written tables up to two hops: entities other
// than the release's own jobs and pipelines that read a written table (hop 1, Table is what
// they write, Via the table they read), and entities that read those (hop 2), each with its
// job's or pipeline's name (ConsumerName: empty for other readers). A consumer that only
// reads has an empty Table. Consumers are looked for from consumerLookback before
// the window to its end, so a daily reader is found even in a young window. Rows come
// upstream, written, then downstream by hop, table and consumer. A row with neither table
// nor consumer says nothing: it is left out and counted. While the system tables (about an
// hour late) hold no lineage of the window's runs and updates, the release's jobs' and
// pipelines' lineage from before the deploy (within consumerLookback) stands in for it,
// every row marked BeforeDeploy.
func (s *Store) DeploymentLineage(ctx context.Context, env Env, d model.Deployment) ([]model.LineageTable, model.Skipped, error) {
	var skipped model.Skipped
	if err := env.validate(); err != nil {
		return nil, skipped, err
	}
	scan, window := windowArgs(env, d.Window)
	args := []any{d.Release.ID(), env.Name}
	args = append(append(args, scan...), window...)
	args = append(append(args, scan...), window...)
	args = append(args, env.WorkspaceID, date(d.Window.Start.Add(-consumerLookback)), date(scanTo(d.Window.End)),
		ts(d.Window.Start), env.WorkspaceID, env.WorkspaceID)
	var out []model.LineageTable
	err := s.query(ctx, "reading the lineage of "+d.Release.ID(), lineageSQL, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 7)
		if err != nil {
			return err
		}
		_, hasTable := present(v[2])
		_, hasConsumer := present(v[4])
		if !hasTable && !hasConsumer {
			skipped.Add(model.SkipNoTable, "")
			return nil
		}
		out = append(out, model.LineageTable{Direction: model.LineageDirection(text(v[0])), Hops: int(count(v[1])),
			Table: text(v[2]), Via: text(v[3]), Consumer: text(v[4]), ConsumerName: text(v[5]), BeforeDeploy: text(v[6]) == "before"})
		return nil
	})
	rank := map[model.LineageDirection]int{model.LineageUpstream: 0, model.LineageWritten: 1, model.LineageDownstream: 2}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].Direction] < rank[out[j].Direction] })
	return out, skipped, err
}
