package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// ev is a ledger event for board tests.
func ev(kind model.EventKind, bundle, version, env, actor string, at time.Time, details string) model.LedgerEvent {
	return model.LedgerEvent{EventID: fmt.Sprintf("%s-%s-%s-%s-%d", kind, bundle, version, env, at.Unix()), ReleaseID: bundle + "@" + version,
		Bundle: bundle, Version: version, Environment: env, Kind: kind, Actor: actor, At: at, Details: details}
}

func deployed(bundle, version, env string, at time.Time, verdict string) []model.LedgerEvent {
	out := []model.LedgerEvent{ev(model.EventDeploySucceeded, bundle, version, env, "ci", at, "")}
	if verdict != "" {
		v := ev(model.EventVerdict, bundle, version, env, "ci", at.Add(time.Hour), "")
		v.Status = verdict
		out = append(out, v)
	}
	return out
}

func TestBoardMarksWhatIsVerifiedAndWaitingAndWhatBlocksIt(t *testing.T) {
	now := testNow
	envs := []string{"dev", "staging", "prod"}
	var evs []model.LedgerEvent
	// waiting: verified in staging, awaiting one approval for prod.
	evs = append(evs, deployed("waiting", "1.0", "prod", now.Add(-48*time.Hour), "healthy")...)
	evs = append(evs, deployed("waiting", "2.0", "staging", now.Add(-5*time.Hour), "healthy")...)
	req := ev(model.EventDeployRequested, "waiting", "2.0", "prod", "marco", now.Add(-40*time.Minute), `{"action":"promote","from":"1.0","to":"2.0","approvals_required":1}`)
	req.Status = model.StatusAwaitingApproval
	evs = append(evs, req)
	// pinned: verified in staging, prod pinned after a rollback.
	evs = append(evs, deployed("pinned", "3.0", "staging", now.Add(-6*time.Hour), "healthy")...)
	evs = append(evs, deployed("pinned", "2.9", "prod", now.Add(-4*time.Hour), "healthy")...)
	pin := ev(model.EventPinned, "pinned", "2.9", "prod", "oncall", now.Add(-4*time.Hour), "")
	pin.Reason = "SLA breach"
	evs = append(evs, pin)
	// settled: the same version everywhere.
	for _, env := range envs {
		evs = append(evs, deployed("settled", "5.0", env, now.Add(-30*time.Hour), "healthy")...)
	}
	// baking: in staging without a verdict yet.
	evs = append(evs, deployed("baking", "7.0", "staging", now.Add(-10*time.Minute), "")...)
	var states []model.BundleState
	for _, b := range []string{"baking", "pinned", "settled", "waiting"} {
		states = append(states, model.DeriveState(b, evs))
	}
	pol := model.Policy{Environments: []model.EnvPolicy{{Name: "dev"}, {Name: "staging"}, {Name: "prod", ApprovalsRequired: 1}}}
	entries := buildBoard(boardInput{States: states, Policy: pol, Now: now})
	got := map[string]boardEntry{}
	var order []string
	for _, e := range entries {
		got[e.Bundle] = e
		order = append(order, e.Bundle)
	}
	if order[0] != "waiting" || order[1] != "pinned" {
		t.Errorf("rows waiting for prod, with a request first, do not come first: %v", order)
	}
	w := got["waiting"].Wait
	if w == nil || w.Version != "2.0" || w.From != "staging" || w.To != "prod" || w.Request == nil {
		t.Fatalf("waiting's staging release is not marked waiting for prod with its request: %+v", w)
	}
	if strings.Join(w.Blocks, ",") != "approval 0/1 (asked by marco 40m ago)" {
		t.Errorf("waiting is blocked by %q, want the missing approval", w.Blocks)
	}
	if b := got["pinned"].Wait; b == nil || !strings.Contains(strings.Join(b.Blocks, ","), "pinned by oncall") || !strings.Contains(strings.Join(b.Blocks, ","), "approval 0/1") {
		t.Errorf("pinned's blocks do not say the pin and the approval: %+v", b)
	}
	if got["settled"].Wait != nil || got["baking"].Wait != nil {
		t.Errorf("a settled or baking bundle is marked waiting: %+v %+v", got["settled"].Wait, got["baking"].Wait)
	}
	row := boardRow(UnicodeGlyphs, got["waiting"], nil)
	if c := row.Cells[boardColFirst+1].Text; c != "2.0 ✓→" {
		t.Errorf("the staging cell is %q, want the version, verified, waiting", c)
	}
	if c := boardRow(UnicodeGlyphs, got["pinned"], nil).Cells[boardColFirst+2].Text; c != "2.9 ✓ PIN" {
		t.Errorf("the pinned prod cell is %q, want PIN in words", c)
	}
	if c := boardRow(UnicodeGlyphs, got["baking"], nil).Cells[boardColFirst+1].Text; c != "7.0 ~" {
		t.Errorf("a baking release's cell is %q, want ~", c)
	}
}

// A promotion of what waits that was tried and failed says so on its row (R retries it),
// before anything else that blocks; once retried with success the row no longer waits.
func TestBoardSaysWhenTheAttemptToPromoteWhatWaitsFailed(t *testing.T) {
	now := testNow
	evs := deployed("kpi", "1.0", "prod", now.Add(-48*time.Hour), "healthy")
	evs = append(evs, deployed("kpi", "2.0", "staging", now.Add(-5*time.Hour), "healthy")...)
	req := ev(model.EventDeployRequested, "kpi", "2.0", "prod", "marco", now.Add(-10*time.Minute), `{"action":"promote","from":"1.0","to":"2.0"}`)
	req.Status = model.StatusRequested
	failed := ev(model.EventDeployFailed, "kpi", "2.0", "prod", "marco", now.Add(-5*time.Minute), `{"request_id":"`+req.EventID+`","failed_resources":["kpi_job"]}`)
	pol := model.Policy{Environments: []model.EnvPolicy{{Name: "dev"}, {Name: "staging"}, {Name: "prod", ApprovalsRequired: 1}}}
	board := func(evs []model.LedgerEvent) boardEntry {
		return buildBoard(boardInput{States: []model.BundleState{model.DeriveState("kpi", evs)}, Policy: pol, Now: now})[0]
	}
	e := board(append(evs, req, failed))
	if e.Wait == nil || e.Wait.Failed == nil || e.Wait.Failed.ID != req.EventID {
		t.Fatalf("the failed attempt is not on the waiting release: %+v", e.Wait)
	}
	if c := boardRow(UnicodeGlyphs, e, nil).Cells[boardColFirst+5].Text; !strings.HasPrefix(c, "last attempt failed: R retries, approval 0/1") {
		t.Errorf("the blocked-by cell is %q, want the failed attempt first", c)
	}
	// Without the failure (the request still in flight) nothing says it failed.
	if e := board(append(evs, req)); e.Wait != nil && e.Wait.Failed != nil {
		t.Errorf("a request in flight is said to have failed: %+v", e.Wait.Failed)
	}
}

// The release manager's story: from the home, B opens the board, and the staging release
// verified and waiting for prod approval is on the first rows, saying what blocks it.
func TestBoardFindsTheStagingReleaseWaitingForProdFromTheHomeInOneKey(t *testing.T) {
	for _, th := range []struct {
		name  string
		theme func() *themes.Theme
	}{{"dark", themes.Dark}, {"mono", themes.Mono}} {
		for _, sz := range sizes[:2] {
			t.Run(fmt.Sprintf("%s_%dx%d", th.name, sz.w, sz.h), func(t *testing.T) {
				m := startRoot(t, withActions(t, rootCommon(t, th.theme())), rootOptions(), sz.w, sz.h)
				sendKeys(t, m, "B")
				got := rootFrame(m)
				golden(t, fmt.Sprintf("board_%s_%dx%d", th.name, sz.w, sz.h), got)
				assertFills(t, got, sz.w, sz.h)
				plain := ansi.Strip(got)
				lines := strings.Split(plain, "\n")
				found := -1
				for i, l := range lines {
					if strings.Contains(l, "supply_chain_analyt") {
						found = i
						break
					}
				}
				if found < 0 || found > 8 {
					t.Fatalf("the waiting staging release is not on the board's first rows:\n%s", plain)
				}
				if l := lines[found]; !strings.Contains(l, "prod") || !strings.Contains(l, "approval 0/1") {
					t.Errorf("its row does not say it waits for prod and needs an approval:\n%s", l)
				}
				// From 120 columns, the error budget left where the promotion would be judged
				// (prod's, read after the load as the budget gate reads it): on the estate,
				// supply_chain_analytics has none of prod's spent.
				if sz.w >= 120 {
					if !strings.Contains(line(plain, "BUNDLE"), "BUDGET") {
						t.Errorf("no BUDGET column:\n%s", plain)
					}
					if l := lines[found]; !strings.Contains(l, " 100% ") {
						t.Errorf("its row does not say prod's error budget left:\n%s", l)
					}
				}
			})
		}
	}
}

func TestAuditListsTheEnvironmentsLedgerAndOpensAnEventInFull(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 200, 60)
	sendKeys(t, m, ":")
	typeInto(t, m, "audit prod")
	sendKeys(t, m, "enter")
	plain := ansi.Strip(rootFrame(m))
	if !strings.Contains(plain, "audit prod") || !strings.Contains(plain, "ledger events in prod") {
		t.Fatalf(":audit prod did not open prod's ledger:\n%s", plain)
	}
	row := line(plain, "pinned")
	if !strings.Contains(row, "logistics_cost_streaming") || !strings.Contains(row, "SLA breach") {
		t.Errorf("the pin after the scripted rollback is not listed with its reason:\n%s", plain)
	}
	req := line(plain, "awaiting approval")
	if !strings.Contains(req, "supply_chain_analytics") || !strings.Contains(req, "CHG-48230") || !strings.Contains(req, "marco") {
		t.Errorf("the request awaiting approval is not listed with who and its ticket:\n%s", plain)
	}
	// Open the request in full.
	for i := 0; i < 200 && !strings.Contains(line(ansi.Strip(rootFrame(m)), "▌"), "awaiting approval"); i++ {
		if i == 199 {
			t.Fatalf("the cursor never reached the request awaiting approval:\n%s", ansi.Strip(rootFrame(m)))
		}
		sendKeys(t, m, "j")
	}
	sendKeys(t, m, "enter")
	full := ansi.Strip(rootFrame(m))
	for _, want := range []string{"deploy_requested supply_chain_analytics@", "who          marco.bianchi@example.com", "ticket       CHG-48230", "reason       weekly supply-chain KPI release", "versions", "approvals    1 required"} {
		if !strings.Contains(full, want) {
			t.Errorf("the event in full lacks %q:\n%s", want, full)
		}
	}
	sendKeys(t, m, "esc")
	if back := ansi.Strip(rootFrame(m)); !strings.Contains(back, "ledger events in prod") {
		t.Errorf("esc did not close the event:\n%s", back)
	}
}

func TestEventViewCleansAndWrapsAndScrollsWithinBounds(t *testing.T) {
	e := model.LedgerEvent{EventID: "e1", Kind: model.EventVetoed, ReleaseID: "b@1", Actor: "x\x1b[31mred", Reason: strings.Repeat("long reason ", 30), At: testNow}
	v := newEventView(&Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs}, e)
	v.SetSize(60, 8)
	out := v.View()
	if strings.Contains(out, "\x1b[31m") {
		t.Errorf("an escape sequence from the ledger reached the terminal: %q", out)
	}
	if !strings.Contains(out, "more lines") {
		t.Errorf("a long event does not say there is more:\n%s", out)
	}
	for range 100 {
		v.Update(pressKey("j"))
	}
	if v.top != len(v.lines)-v.page() {
		t.Errorf("scrolling went to %d, want the last page at %d", v.top, len(v.lines)-v.page())
	}
	for _, l := range strings.Split(ansi.Strip(v.View()), "\n") {
		if Width(l) > 60 {
			t.Errorf("a line is wider than the screen: %q", l)
		}
	}
}

// R on the home's row a promotion was made from retries that promotion when it failed: the
// row is in the environment before the one the request failed in.
func TestRetryOnTheRowAFailedPromotionWasMadeFrom(t *testing.T) {
	now := testNow
	evs := deployed("kpi", "2.0", "staging", now.Add(-5*time.Hour), "healthy")
	req := ev(model.EventDeployRequested, "kpi", "2.0", "prod", "marco", now.Add(-10*time.Minute), `{"action":"promote"}`)
	req.Status = model.StatusRequested
	evs = append(evs, req, ev(model.EventDeployFailed, "kpi", "2.0", "prod", "marco", now.Add(-5*time.Minute), `{"request_id":"`+req.EventID+`"}`))
	states := map[string]model.BundleState{"kpi": model.DeriveState("kpi", evs)}
	c := &Common{Source: newFakeSource()} // staging, then prod
	d := model.Deployment{Release: model.Release{Bundle: "kpi", Version: "2.0"}}
	if tg := deploymentTarget(c, states, "staging", d, actionRetry); tg.Env != "prod" || tg.FailedRequest != req.EventID {
		t.Errorf("R on the staging row retries %q in %s, want the failed promotion %s into prod", tg.FailedRequest, tg.Env, req.EventID)
	}
	d.Release.Version = "1.9"
	if tg := deploymentTarget(c, states, "staging", d, actionRetry); tg.FailedRequest != "" {
		t.Errorf("R on another version's row retries %s", tg.FailedRequest)
	}
	d.Release.Version = "2.0"
	if tg := deploymentTarget(c, states, "staging", d, model.ActionPin); tg.Env != "staging" {
		t.Errorf("another key's target moved to %s", tg.Env)
	}
}
