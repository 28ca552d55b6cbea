package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
)

// stagingPromotion is a release the board shows waiting for staging whose promotion every
// gate lets a release manager make: the first such row, as the board orders them.
func stagingPromotion(t *testing.T, src *source.Source) (bundle, version string) {
	t.Helper()
	ctx := context.Background()
	pol, err := src.Policy()
	if err != nil {
		t.Fatal(err)
	}
	states, err := src.BundleStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acts := src.Actions(pol)
	for _, e := range buildBoard(boardInput{States: states, Policy: pol, Now: testNow}) {
		w := e.Wait
		if w == nil || w.To != "staging" || len(w.Blocks) > 0 {
			continue
		}
		p, err := acts.Plan(ctx, source.ActionRequest{Action: model.ActionPromote, Bundle: e.Bundle, Version: w.Version, Environment: "staging"})
		if err == nil && p.OK() {
			return e.Bundle, w.Version
		}
	}
	t.Fatal("no release waits for staging with every gate passing for a release manager")
	return "", ""
}

var progressRequest = regexp.MustCompile(`request (\S+)`)

// A promotion whose deploy fails partly (the simulation's deployer fails one of the
// bundle's resources, as --demo-fail-deploy makes it), retried with R: the progress says
// which resource failed and the failed request; R on the same board row opens the retry
// dialog with every gate judged again; confirming runs a new attempt with its own request
// id (its idempotency token) to success; :audit lists both attempts and both results.
func TestARetryOfAPartlyFailedPromotionOnTheSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("the retry flow opens its own simulated estate")
	}
	e := openActionEstate(t)
	bundle, version := stagingPromotion(t, e.as(t, "release-manager"))
	rel := bundle + "@" + version
	failed, err := e.owner.DemoFailDeploy(context.Background(), bundle)
	if err != nil || len(failed) != 1 {
		t.Fatalf("injecting the failure: %v, %v", failed, err)
	}
	tm, f := e.cockpitAs(t, "release-manager", false)
	tm.Send(pressKey("B"))
	waitRun(t, f, "the board", func(s string) bool { return strings.Contains(s, "→ staging") && line(s, "▌") != "" })
	cursorTo(t, tm, f, bundle+" ", version) // a bundle's name may begin another's

	// The promotion: y confirms outside prod; the deploy fails on the injected resource.
	tm.Send(pressKey("p"))
	dlg := waitFrame(t, f, "the promotion dialog", func(s string) bool { return strings.Contains(s, "Promote "+rel+" to staging") })
	if strings.Contains(dlg, "refused") {
		t.Fatalf("the promotion is refused:\n%s", dlg)
	}
	tm.Send(pressKey("y"))
	prog := waitRun(t, f, "the failed deploy", func(s string) bool { return strings.Contains(s, "✗ failed") })
	for _, want := range []string{failed[0], "then R retries it"} {
		if !strings.Contains(prog, want) {
			t.Errorf("the failure does not say %q:\n%s", want, prog)
		}
	}
	m := progressRequest.FindStringSubmatch(prog)
	if m == nil {
		t.Fatalf("the failure names no request:\n%s", prog)
	}
	first := m[1]
	tm.Send(pressKey("x")) // any key closes
	waitRun(t, f, "the board again, the release still waiting and its failed attempt said", func(s string) bool {
		return !strings.Contains(s, "✗ failed") && rowWith(line(s, "▌"), bundle+" ", "→ staging", "last attempt failed: R retries") != ""
	})

	// R on the same row: the retry's dialog, its gates judged again.
	tm.Send(pressKey("R"))
	retry := waitFrame(t, f, "the retry dialog", func(s string) bool { return strings.Contains(s, "Retry "+rel+" in staging") })
	for _, want := range []string{"new attempt of " + shortID(first), "(failed last attempt)", "✓ retryable", "attempt 2 of request", "✓ verified upstream", "✓ not in flight"} {
		if !strings.Contains(retry, want) {
			t.Errorf("the retry dialog lacks %q:\n%s", want, retry)
		}
	}
	if strings.Contains(retry, "refused") {
		t.Fatalf("the retry is refused:\n%s", retry)
	}
	tm.Send(pressKey("y"))
	prog = waitRun(t, f, "the retry's success", func(s string) bool { return strings.Contains(s, "✓ succeeded") })
	m = progressRequest.FindStringSubmatch(prog)
	if m == nil || m[1] == first {
		t.Fatalf("the new attempt has no request of its own (the failed one was %s):\n%s", first, prog)
	}
	second := m[1]
	tm.Send(pressKey("x"))
	waitRun(t, f, "the board with the release current in staging", func(s string) bool {
		l := rowWith(s, bundle+" ")
		return l != "" && !strings.Contains(s, "✓ succeeded") && !strings.Contains(l, "→ staging") && !strings.Contains(l, "attempt failed") &&
			strings.Count(l, version) >= 2
	})

	// :audit staging: both attempts, each with its result.
	tm.Send(pressKey(":"))
	typeKeys(tm, "audit staging")
	tm.Send(pressKey("enter"))
	aud := waitFrame(t, f, "both attempts in :audit", func(s string) bool {
		return rowWith(s, "deploy_succeeded", rel) != "" && rowWith(s, "deploy_failed", rel) != ""
	})
	requests := 0
	for _, l := range strings.Split(aud, "\n") {
		if strings.Contains(l, "deploy_requested") && strings.Contains(l, rel) {
			requests++
		}
	}
	if requests != 2 {
		t.Errorf("%d requests of %s in :audit, want the failed one and its retry:\n%s", requests, rel, aud)
	}
	// The failed attempt's result, in full, names the resource that failed and its request.
	cursorTo(t, tm, f, "deploy_failed", rel)
	tm.Send(pressKey("enter"))
	ev := waitFrame(t, f, "the failed result in full", func(s string) bool { return strings.Contains(s, "failed_resources") })
	for _, want := range []string{failed[0], first} {
		if !strings.Contains(ev, want) {
			t.Errorf("the failed result does not name %q:\n%s", want, ev)
		}
	}
	if strings.Contains(ev, second) {
		t.Errorf("the failed result names the new attempt %s:\n%s", second, ev)
	}
	quit(t, tm)
}
