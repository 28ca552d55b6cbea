package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	domain "github.com/release-cockpit/cockpit/model"
)

// releaseTabLoaded is the result of a tab's load, for the deployment, environment and
// load generation it names; a screen drops results that are not its own.
type releaseTabLoaded struct {
	deployment string
	env        string
	tab        relTab
	gen        int
	data       any
	err        error
}

// runsTabData is what the Runs tab shows: the window's job runs and pipeline updates, and
// the jobs' duration baselines (their failure does not fail the tab).
type runsTabData struct {
	runs        []domain.JobRun
	updates     []domain.PipelineUpdate
	baselines   map[string][]time.Duration
	baselineErr error
}

// defaultLoadTimeout bounds a load when the Common sets no timeout.
const defaultLoadTimeout = 30 * time.Second

// loadReleaseTab reads one tab's data from the source, within the timeout.
func loadReleaseTab(c *Common, env string, d domain.Deployment, tab relTab, gen int) tea.Cmd {
	src, parent, timeout := c.Source, c.context(), c.Timeout
	if timeout <= 0 {
		timeout = defaultLoadTimeout
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		data, err := fetchReleaseTab(ctx, src, env, d, tab)
		return releaseTabLoaded{deployment: d.ID, env: env, tab: tab, gen: gen, data: data, err: err}
	}
}

func fetchReleaseTab(ctx context.Context, src Source, env string, d domain.Deployment, tab relTab) (any, error) {
	switch tab {
	case tabRuns:
		runs, err := src.Runs(ctx, env, d)
		if err != nil {
			return nil, err
		}
		updates, err := src.Updates(ctx, env, d)
		if err != nil {
			return nil, err
		}
		b, berr := src.Baselines(ctx, env, d, runs)
		return runsTabData{runs: runs, updates: updates, baselines: b, baselineErr: berr}, nil
	case tabChecks:
		return src.Checks(ctx, env, d)
	case tabQuality:
		return src.Expectations(ctx, env, d)
	case tabLineage:
		return src.Lineage(ctx, env, d)
	case tabAudit:
		return src.Events(ctx, env, d)
	case tabCost:
		return src.Cost(ctx, env, d)
	}
	return nil, nil
}

// build turns a tab's data into its table.
func (s *ReleaseScreen) build(tab relTab, data any) *relTable {
	switch v := data.(type) {
	case runsTabData:
		return runsTable(s.c, s.d.Deployment, v)
	case []domain.Check:
		return checksTable(s.c, v)
	case []domain.ExpectationDelta:
		return qualityTable(s.c, v)
	case []domain.LineageTable:
		return lineageTable(s.c, s.d.Deployment, v)
	case []domain.LedgerEvent:
		return auditTable(s.c, s.env, v)
	case domain.Cost:
		return costTable(s.c, v)
	}
	return &relTable{Empty: "nothing to show"}
}
