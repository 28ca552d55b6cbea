package ui

import (
	"context"
	"errors"
	"sync"
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
	skipped    domain.Skipped // the rows the reads left out
	err        error
}

// runsTabData is what the Runs tab shows: the window's job runs and pipeline updates, and
// the jobs' and pipelines' duration baselines (their failure does not fail the tab).
type runsTabData struct {
	runs        []domain.JobRun
	updates     []domain.PipelineUpdate
	baselines   domain.DurationBaselines
	baselineErr error
	// liveErr says why the runs and updates only the REST API knows yet are missing (they
	// are the warehouse's alone); it does not fail the tab either.
	liveErr error
}

// qualityTabData is what the Data quality tab shows: the window's expectations, and why
// the results only the REST API knows yet are missing, if they are (that does not fail the
// tab: the warehouse's rows stand).
type qualityTabData struct {
	exps    []domain.ExpectationDelta
	liveErr error
}

// splitLive separates an error saying that a read's live facts are missing (its data is the
// warehouse's alone, and stands) from one that fails the read.
func splitLive(err error) (liveErr, failed error) {
	if errors.Is(err, domain.ErrLiveFactsMissing) {
		return err, nil
	}
	return nil, err
}

// defaultLoadTimeout bounds a load when the Common sets no timeout.
const defaultLoadTimeout = 30 * time.Second

// loadReleaseTab reads one tab's data from the source, within the timeout.
func loadReleaseTab(c *Common, env string, d domain.Deployment, tab relTab, gen int) tea.Cmd {
	return loadCmd(c, func(ctx context.Context, src Source) tea.Msg {
		data, skipped, err := fetchReleaseTab(ctx, src, env, d, tab)
		return releaseTabLoaded{deployment: d.ID, env: env, tab: tab, gen: gen, data: data, skipped: skipped, err: err}
	})
}

func fetchReleaseTab(ctx context.Context, src Source, env string, d domain.Deployment, tab relTab) (any, domain.Skipped, error) {
	var none domain.Skipped
	switch tab {
	case tabRuns:
		// The runs, the updates and their baselines are read side by side: one round
		// trip, not two.
		var (
			updates        []domain.PipelineUpdate
			skippedUpdates domain.Skipped
			uerr           error
			b              domain.DurationBaselines
			berr           error
			wg             sync.WaitGroup
		)
		wg.Add(2)
		go func() {
			defer wg.Done()
			updates, skippedUpdates, uerr = src.Updates(ctx, env, d)
		}()
		go func() {
			defer wg.Done()
			b, berr = src.Baselines(ctx, env, d)
		}()
		runs, skipped, err := src.Runs(ctx, env, d)
		wg.Wait()
		liveErr, err := splitLive(err)
		liveUpdatesErr, uerr := splitLive(uerr)
		if liveErr == nil {
			liveErr = liveUpdatesErr
		}
		if err = errors.Join(err, uerr); err != nil {
			return nil, none, err
		}
		skipped.Merge(skippedUpdates)
		return runsTabData{runs: runs, updates: updates, baselines: b, baselineErr: berr, liveErr: liveErr}, skipped, nil
	case tabChecks:
		cs, err := src.Checks(ctx, env, d)
		return cs, none, err
	case tabQuality:
		es, skipped, err := src.Expectations(ctx, env, d)
		liveErr, err := splitLive(err)
		if err != nil {
			return nil, skipped, err
		}
		return qualityTabData{exps: es, liveErr: liveErr}, skipped, nil
	case tabLineage:
		return fetchLineage(ctx, src, env, d)
	case tabAudit:
		evs, err := src.Events(ctx, env, d)
		return evs, none, err
	case tabCost:
		c, err := src.Cost(ctx, env, d)
		return c, c.Skipped, err
	case tabChanges:
		ch, err := src.Changes(ctx, env, d)
		return ch, none, err
	}
	return nil, none, nil
}

// build turns a tab's data into its table.
func (s *ReleaseScreen) build(tab relTab, data any) *relTable {
	switch v := data.(type) {
	case runsTabData:
		return runsTable(s.c, s.d.Deployment, v)
	case []domain.Check:
		return checksTable(s.c, s.d.Deployment, v)
	case qualityTabData:
		return withQualityLiveErr(s.c, qualityTable(s.c, v.exps), v.liveErr)
	case lineageTabData:
		return lineageTable(s.c, s.d.Deployment, v)
	case []domain.LedgerEvent:
		return auditTable(s.c, s.env, v)
	case domain.Cost:
		return costTable(s.c, v, s.d.Health.Started())
	case domain.Changes:
		return changesTable(s.c, s.d.Deployment, v)
	}
	return &relTable{Empty: "nothing to show"}
}
