package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/model"
	"github.com/spf13/cobra"
)

type showFlags struct{ env, output string }

func newShowCommand(g *globals) *cobra.Command {
	f := &showFlags{}
	cmd := &cobra.Command{
		Use:   "show RELEASE",
		Short: "Print everything the release screen shows about a release's newest deployment",
		Long: `Print everything the release screen shows about the newest deployment of a release
(bundle@version) in an environment: the header, the verdict and its reasons, the job runs
and pipeline updates of its window, the checks, the data quality, the lineage with its blast
radius, what changed since the previous deployment (resources, settings, the git range), the
cost and the ledger's events. The text fits 100 columns, for pasting into an incident
channel; -o json carries every section for scripts. A section that cannot be read says why
and the command exits 1 after printing the others.`,
		Example: `  cockpit show ecommerce_orders@2026.1122.21 --env prod
  cockpit demo show ecommerce_orders@2026.1122.21 --env prod -o json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("show needs one release, bundle@version (cockpit releases lists them)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runShow(cmd.Context(), g, f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.env, "env", "prod", "environment")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	return cmd
}

// shown is everything the release screen shows about a deployment; a section that could
// not be read has its error in errs instead.
type shown struct {
	d       source.Deployment
	runs    []model.JobRun
	updates []model.PipelineUpdate
	checks  []model.Check
	quality []model.ExpectationDelta
	lineage []model.LineageTable
	changes model.Changes
	cost    model.Cost
	audit   []model.LedgerEvent
	errs    map[string]error
	// liveErr says why the runs, updates and expectation results only the REST API knows
	// yet are missing (the sections are the warehouse's alone).
	liveErr error
	// leftOut counts, per section, the rows its reads left out (model.Skipped).
	leftOut map[string]model.Skipped
}

// showSections are the sections of `cockpit show`, in the order they are printed.
var showSections = []string{"runs", "checks", "data_quality", "lineage", "changes", "cost", "audit"}

func runShow(ctx context.Context, g *globals, f *showFlags, release string) error {
	if f.output != "text" && f.output != "json" {
		return usage("-o %q: use text or json", f.output)
	}
	if _, _, err := model.ParseReleaseID(release); err != nil {
		return usage("%v", err)
	}
	src, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	d, err := src.Release(ctx, f.env, release)
	if errors.Is(err, warehouse.ErrNotFound) {
		bundle, _, _ := model.ParseReleaseID(release)
		return fmt.Errorf("%s has no deployment in %s: cockpit releases --env %s --bundle %s --since 0 lists its deployments", release, f.env, f.env, bundle)
	}
	if err != nil {
		return err
	}
	s := gatherShown(ctx, src, f.env, d)
	warnLiveMissing(g.stderr, s.liveErr)
	if f.output == "json" {
		err = writeShowJSON(g.stdout, s)
	} else {
		writeShowText(g.stdout, s, src.Now(), g.style())
	}
	if err != nil {
		return err
	}
	if len(s.errs) > 0 {
		var names []string
		for n := range s.errs {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("could not read %s of %s: %v", strings.Join(names, ", "), release, s.errs[names[0]])
	}
	return nil
}

// gatherShown reads every section of the release screen side by side, each under the
// source's timeout: against a remote warehouse the sections cost the round trips of the
// longest of them, not of all of them one after another.
func gatherShown(ctx context.Context, src *source.Source, env string, d source.Deployment) *shown {
	s := &shown{d: d, errs: map[string]error{}, leftOut: map[string]model.Skipped{}}
	dep := d.Deployment
	var (
		wg                                                                                    sync.WaitGroup
		runsErr, updatesErr, checksErr, qualityErr, lineageErr, changesErr, costErr, auditErr error
		runsLeft, updatesLeft, qualityLeft, lineageLeft                                       model.Skipped
	)
	read := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	read(func() { s.runs, runsLeft, runsErr = src.Runs(ctx, env, dep) })
	read(func() { s.updates, updatesLeft, updatesErr = src.Updates(ctx, env, dep) })
	read(func() { s.checks, checksErr = src.Checks(ctx, env, dep) })
	read(func() { s.quality, qualityLeft, qualityErr = src.Expectations(ctx, env, dep) })
	read(func() { s.lineage, lineageLeft, lineageErr = src.Lineage(ctx, env, dep) })
	read(func() { s.changes, changesErr = src.Changes(ctx, env, dep) })
	read(func() { s.cost, costErr = src.Cost(ctx, env, dep) })
	read(func() { s.audit, auditErr = src.Events(ctx, env, dep) })
	wg.Wait()
	note := func(name string, err error) {
		if err != nil && s.errs[name] == nil {
			s.errs[name] = err
		}
	}
	// A section whose live facts are missing stands on the warehouse's rows; runShow says
	// once what is missing.
	keepLive := func(err error) error {
		if !errors.Is(err, model.ErrLiveFactsMissing) {
			return err
		}
		if s.liveErr == nil {
			s.liveErr = err
		}
		return nil
	}
	note("runs", keepLive(runsErr))
	note("runs", keepLive(updatesErr))
	runsLeft.Merge(updatesLeft)
	s.leftOut["runs"] = runsLeft
	note("checks", checksErr)
	note("data_quality", keepLive(qualityErr))
	s.leftOut["data_quality"] = qualityLeft
	note("lineage", lineageErr)
	s.leftOut["lineage"] = lineageLeft
	note("changes", changesErr)
	note("cost", costErr)
	s.leftOut["cost"] = s.cost.Skipped
	note("audit", auditErr)
	return s
}

// timeText is an instant as RFC 3339 in UTC, "" for none.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
