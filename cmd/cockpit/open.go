package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/release-cockpit/cockpit/data/source"
)

// open connects to the workspace the flags name: the simulation with --demo, else the
// configured workspaces.
func (g *globals) open(ctx context.Context) (*source.Source, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	if g.demo {
		path, err := demoPath(g)
		if err != nil {
			return nil, err
		}
		if g.demoReset {
			if err := removeEstate(path); err != nil {
				return nil, err
			}
		}
		o := source.DemoOptions{Path: path, Seed: g.demoSeed, Days: g.demoDays, As: g.as, Progress: g.stderr, Hostile: g.hostile, Log: g.debugLog, Lag: g.demoLag, Latency: g.demoLatency, NoLedger: g.demoLedger == "none", Unrecorded: g.demoLedger == "partial"}
		if g.demoNow != "" {
			o.Now = g.now()
		}
		src, err := source.OpenDemo(ctx, cfg, o)
		if err != nil {
			return nil, err
		}
		if err := g.failDeploys(ctx, src); err != nil {
			src.Close()
			return nil, err
		}
		return src, nil
	}
	return source.Open(ctx, cfg, source.Options{Profile: g.profile, WarehouseID: g.warehouse, Log: g.debugLog})
}

// demoPath is --demo-db, or a file in the user's cache directory named after the estate's
// format (so a newer cockpit starts a new file instead of refusing the old one), the seed,
// and the frozen clock (so a --demo-now estate never mixes with one that follows the wall clock).
func demoPath(g *globals) (string, error) {
	if g.demoDB != "" {
		return g.demoDB, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", usage("no cache directory for the simulated workspace (%v): pass --demo-db FILE", err)
	}
	name := fmt.Sprintf("estate-v%s-seed%d", source.DemoFormat, g.demoSeed)
	if g.hostile {
		name += "-hostile"
	}
	switch g.demoLedger {
	case "partial":
		name += "-partial"
	case "none":
		name += "-noledger"
	}
	if g.demoNow != "" {
		name += "-at-" + strings.NewReplacer(":", "", "-", "").Replace(g.now().Format("20060102T150405Z"))
	}
	return filepath.Join(dir, "release-cockpit", name+".duckdb"), nil
}

// removeEstate deletes a simulated estate's file and its write-ahead log, so that the next
// open generates it afresh with the stories around the clock.
func removeEstate(path string) error {
	for _, f := range []string{path, path + ".wal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--demo-reset: %w (close the cockpit that has it open, or remove the file yourself)", err)
		}
	}
	return nil
}

// parseFailDeploy reads --demo-fail-deploy BUNDLE[:RESOURCE,...].
func parseFailDeploy(v string) (bundle string, resources []string, err error) {
	bundle, list, named := strings.Cut(v, ":")
	bundle = strings.TrimSpace(bundle)
	if named {
		for _, r := range strings.Split(list, ",") {
			if r = strings.TrimSpace(r); r != "" {
				resources = append(resources, r)
			}
		}
	}
	if bundle == "" || (named && len(resources) == 0) {
		return "", nil, usage("--demo-fail-deploy %q: name a bundle and, after a colon, its resources (e.g. ecommerce_orders:ecommerce_orders_refresh_job), or the bundle alone for its first job", v)
	}
	return bundle, resources, nil
}

// failDeploys makes the deploys --demo-fail-deploy names fail partly (their next deploy).
func (g *globals) failDeploys(ctx context.Context, src *source.Source) error {
	for _, f := range g.demoFailDeploy {
		bundle, resources, err := parseFailDeploy(f)
		if err != nil {
			return err
		}
		if _, err := src.DemoFailDeploy(ctx, bundle, resources...); err != nil {
			return err
		}
	}
	return nil
}
