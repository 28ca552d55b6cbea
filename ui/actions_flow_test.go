package ui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// The action flows of issue 8 on the simulation, through the real executor (data/source's
// UIActions over the simulated workspace's deployer jobs and ledger). They change the
// estate, so they run on an estate of their own (not the shared one of the golden frames);
// each person is a cockpit joining the first one's simulation, as a second `cockpit demo
// --as ...` does.

// actionEstate is the flows' estate: its file, and the first cockpit (on-call's) that
// serves the simulation the others join.
type actionEstate struct {
	path  string
	owner *source.Source
}

func openActionEstate(t *testing.T) *actionEstate {
	t.Helper()
	needSim(t)
	dir := t.TempDir()
	e := &actionEstate{path: filepath.Join(dir, "estate.duckdb")}
	owner, err := source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{Path: e.path, Seed: 1, Now: testNow, Days: 3, As: "oncall"})
	if err != nil {
		t.Fatalf("opening the actions' simulated workspace: %v", err)
	}
	e.owner = owner
	t.Cleanup(func() { owner.Close(); os.RemoveAll(dir) })
	return e
}

// as is a cockpit of a simulated user on the estate (oncall is the owner itself).
func (e *actionEstate) as(t *testing.T, role string) *source.Source {
	t.Helper()
	if role == "oncall" {
		return e.owner
	}
	src, err := source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{Path: e.path, Seed: 1, Now: testNow, Days: 3, As: role})
	if err != nil {
		t.Fatalf("joining the estate as %s: %v", role, err)
	}
	t.Cleanup(src.Close)
	return src
}

// cockpitAs starts the TUI as a simulated user on the estate, in prod, wired as cockpit's
// tui verb wires it (the simulation's policy, --read-only on top).
func (e *actionEstate) cockpitAs(t *testing.T, role string, readOnly bool) (*teatest.TestModel, framed) {
	t.Helper()
	return e.cockpitWith(t, role, func(p *model.Policy) { p.ReadOnly = p.ReadOnly || readOnly })
}

// cockpitWith starts the TUI as cockpitAs does, under the simulation's policy as edit
// changes it (the cockpit's policy only: the deployer runs judge theirs).
func (e *actionEstate) cockpitWith(t *testing.T, role string, edit func(*model.Policy)) (*teatest.TestModel, framed) {
	t.Helper()
	src := e.as(t, role)
	pol, err := src.Policy()
	if err != nil {
		t.Fatal(err)
	}
	edit(&pol)
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: src.Now, Timeout: 30 * time.Second,
		Actions: source.UIActions{A: src.Actions(pol)}}
	f := newFramed(New(c, Options{Env: "prod", Refresh: -1, Clock: func() time.Time { return testNow }}))
	tm := teatest.NewTestModel(t, f, teatest.WithInitialTermSize(actionFlowWidth, 45))
	// A new cockpit's first load of a fresh estate: as long as a deployer run may take.
	waitRun(t, f, "prod's deployments", func(s string) bool { return judgedHome(s, "prod") })
	return tm, f
}

func typeKeys(tm *teatest.TestModel, s string) {
	for _, r := range s {
		k := string(r)
		if r == ' ' {
			k = "space"
		}
		tm.Send(pressKey(k))
	}
}

// confirmTyped fills a typed dialog whose focus is on its first input: the phrase, the
// reason, the ticket, then presses the confirming button (tab past Cancel).
func confirmTyped(tm *teatest.TestModel, phrase, reason, ticket string) {
	typeKeys(tm, phrase)
	tm.Send(pressKey("tab"))
	typeKeys(tm, reason)
	tm.Send(pressKey("tab"))
	typeKeys(tm, ticket)
	tm.Send(pressKey("tab")) // Cancel
	tm.Send(pressKey("tab")) // the confirming button
	tm.Send(pressKey("enter"))
}

func quit(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	tm.Send(pressKey("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// rowWith is the frame's line that holds every one of want.
func rowWith(frame string, want ...string) string {
	for _, l := range strings.Split(frame, "\n") {
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(l, w)
		}
		if ok {
			return l
		}
	}
	return ""
}

// actionFlowWidth is the flows' terminal width.
const actionFlowWidth = 160

// helpEntries reads a help frame drawn at width back into its entries: each key (or
// command, or legend term) with its whole description, the lines it wraps over joined
// (help flows its entries down a column, then on to the next, wrapping descriptions).
func helpEntries(frame string, width int) map[string]string {
	lines := strings.Split(frame, "\n")
	start, end := -1, len(lines)
	for i, l := range lines {
		switch {
		case start < 0 && strings.HasPrefix(strings.TrimSpace(l), "keys"):
			start = i + 1
		case start >= 0 && strings.Contains(l, "closes help"):
			end = i
		}
	}
	if start < 0 || start > end {
		return nil
	}
	// Only the entries' lines: without the blank line under the title and the page's
	// padding below, a column goes on at the next one's top.
	for start < end && strings.TrimSpace(lines[start]) == "" {
		start++
	}
	for end > start && strings.TrimSpace(lines[end-1]) == "" {
		end--
	}
	ncol := helpColumns(width)
	colW := max(10, (width-1)/ncol-1)
	out := map[string]string{}
	var key string
	var desc []string
	flush := func() {
		if key != "" {
			out[key] = strings.Join(desc, " ")
		}
		key, desc = "", nil
	}
	for c := range ncol {
		for _, l := range lines[start:end] {
			r := []rune(l)
			from, to := min(len(r), 1+c*(colW+1)), min(len(r), 1+c*(colW+1)+colW)
			cell := string(r[from:to])
			words := strings.Fields(cell)
			switch {
			case len(words) == 0:
				flush()
			case !strings.HasPrefix(cell, " "): // a new entry: its key, then its description
				flush()
				key, desc = words[0], words[1:]
			default:
				desc = append(desc, words...)
			}
		}
	}
	flush()
	return out
}

// waitRun waits for a frame as waitFrame does, long enough for a deployer run (its gate
// reads the ledger: seconds, or a minute on a loaded machine).
func waitRun(t *testing.T, f framed, what string, ok func(string) bool) string {
	t.Helper()
	return waitFrameWithin(t, f, 3*time.Minute, what, ok)
}

// cursorTo moves the cursor down until its row holds every one of want.
func cursorTo(t *testing.T, tm *teatest.TestModel, f framed, want ...string) {
	t.Helper()
	for range 45 {
		f.mu.Lock()
		cur := line(*f.last, "▌")
		f.mu.Unlock()
		if rowWith(cur, want...) != "" {
			return
		}
		tm.Send(pressKey("down"))
		waitFrame(t, f, "the cursor on the next row", func(s string) bool { return line(s, "▌") != cur })
	}
	t.Fatalf("no row under the cursor holds %q", want)
}

var dialogTo = regexp.MustCompile(`to   (\S+)`)

func TestActionFlowsOnTheSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("the action flows open their own simulated estate")
	}
	e := openActionEstate(t)

	// As on-call: roll back the prod incident. The short estate's error budget is spent,
	// which freezes promotions but not the rollback that remedies it: the typed
	// confirmation, reason and ticket, no break-glass; the progress to success, the row
	// then showing the previous version, CURRENT and PINNED, and :audit the request with
	// its ticket and the budget gate's reason.
	t.Run("oncall rolls back the prod incident", func(t *testing.T) {
		tm, f := e.cockpitAs(t, "oncall", false)
		waitFrame(t, f, "the incident under the cursor", func(s string) bool { return strings.Contains(line(s, "▌"), "ecommerce_orders") })
		tm.Send(pressKey("b"))
		dlg := waitFrame(t, f, "the rollback dialog", func(s string) bool { return strings.Contains(s, "Roll back ecommerce_orders in prod") })
		for _, want := range []string{"from 2026.1122.21", "rollback target", "Type prod/ecommerce_orders to confirm", "run-now",
			"✓ budget", "budget spent: rollbacks are allowed"} {
			if !strings.Contains(dlg, want) {
				t.Errorf("the rollback dialog lacks %q:\n%s", want, dlg)
			}
		}
		if strings.Contains(dlg, "breaks glass") || strings.Contains(dlg, "refused") {
			t.Errorf("the incident's rollback is refused or offers break-glass:\n%s", dlg)
		}
		m := dialogTo.FindStringSubmatch(dlg)
		if m == nil {
			t.Fatalf("the rollback dialog names no target version:\n%s", dlg)
		}
		target := m[1]
		confirmTyped(tm, "prod/ecommerce_orders", "valid_client_id failures at 18 percent", "INC-50001")
		prog := waitRun(t, f, "the progress to success", func(s string) bool { return strings.Contains(s, "✓ succeeded") })
		if !strings.Contains(prog, "elapsed") || !strings.Contains(prog, "run ") || strings.Contains(prog, "(break-glass)") {
			t.Errorf("the progress does not show the run and the elapsed time, or says break-glass:\n%s", prog)
		}
		tm.Send(pressKey("x")) // any key closes
		after := waitRun(t, f, "the home reloaded with the rolled-back row", func(s string) bool {
			return rowWith(s, "ecommerce_orders", target, "CURRENT", "PINNED") != ""
		})
		if strings.Contains(after, "Roll back ecommerce_orders") {
			t.Errorf("the progress did not close:\n%s", after)
		}
		tm.Send(pressKey(":"))
		typeKeys(tm, "audit")
		tm.Send(pressKey("enter"))
		aud := waitFrame(t, f, "the request in :audit", func(s string) bool {
			return rowWith(s, "deploy_requested", "ecommerce_orders@"+target) != ""
		})
		if r := rowWith(aud, "deploy_requested", "ecommerce_orders@"+target); !strings.Contains(r, "INC-50001") || strings.Contains(r, " bg") {
			t.Errorf("the rollback's request is not recorded with its ticket, or as break-glass:\n%s", r)
		}
		cursorTo(t, tm, f, "deploy_requested", "ecommerce_orders@"+target)
		tm.Send(pressKey("enter"))
		ev := waitFrame(t, f, "the request in full", func(s string) bool { return strings.Contains(s, "rollbacks are allowed") })
		if strings.Contains(ev, "overridden by break-glass") || rowWith(ev, "break-glass", "yes") != "" {
			t.Errorf("the request is recorded as break-glass:\n%s", ev)
		}
		quit(t, tm)
	})
	// As release-manager: promoting the verified staging release to prod, found first on
	// the board, is refused for the missing approval (and confirming only repeats why).
	var release string
	t.Run("release-manager is refused for a missing approval", func(t *testing.T) {
		tm, f := e.cockpitAs(t, "release-manager", false)
		tm.Send(pressKey("B"))
		board := waitFrame(t, f, "the waiting release first on the board", func(s string) bool {
			return strings.Contains(line(s, "▌"), "supply_chain_analytics") && strings.Contains(line(s, "▌"), "approval 0/1")
		})
		tm.Send(pressKey("p"))
		dlg := waitFrame(t, f, "the promotion dialog", func(s string) bool { return strings.Contains(s, "Promote supply_chain_analytics@") })
		if !strings.Contains(dlg, "refused: approvals") || !strings.Contains(dlg, "✗ approvals") {
			t.Errorf("the promotion is not refused for the missing approval:\n%s\n%s", board, dlg)
		}
		if m := regexp.MustCompile(`Promote (supply_chain_analytics@\S+) to prod`).FindStringSubmatch(dlg); m != nil {
			release = m[1]
		}
		confirmTyped(tm, "prod/supply_chain_analytics", "weekly KPI release", "CHG-48230")
		waitFrame(t, f, "the refusal repeated", func(s string) bool { return strings.Contains(s, "✗ refused: approvals") })
		tm.Send(pressKey("esc"))
		waitFrame(t, f, "the board again", func(s string) bool { return !strings.Contains(s, "Promote supply_chain_analytics@") })
		quit(t, tm)
	})

	// As lead: approve the request, from the board too.
	t.Run("lead approves", func(t *testing.T) {
		if release == "" {
			t.Fatal("the refused promotion named no release (it runs first)")
		}
		tm, f := e.cockpitAs(t, "lead", false)
		tm.Send(pressKey("B"))
		waitFrame(t, f, "the waiting release on the board", func(s string) bool { return strings.Contains(line(s, "▌"), "supply_chain_analytics") })
		tm.Send(pressKey("a"))
		dlg := waitFrame(t, f, "the approval dialog", func(s string) bool { return strings.Contains(s, "Approve "+release+" into prod") })
		if strings.Contains(dlg, "refused") {
			t.Fatalf("the lead's approval is refused:\n%s", dlg)
		}
		confirmTyped(tm, "prod/supply_chain_analytics", "KPI numbers checked with finance", "")
		waitRun(t, f, "the approval recorded", func(s string) bool { return strings.Contains(s, "✓ done") })
		tm.Send(pressKey("x"))
		waitRun(t, f, "the board reloaded without the missing approval", func(s string) bool {
			l := line(s, "supply_chain_analytics")
			return l != "" && !strings.Contains(l, "approval 0/1") && !strings.Contains(s, "✓ done")
		})
		quit(t, tm)
	})

	// As release-manager: the promotion now succeeds, and the board shows it current.
	t.Run("release-manager promotes", func(t *testing.T) {
		if release == "" {
			t.Fatal("the refused promotion named no release (it runs first)")
		}
		tm, f := e.cockpitAs(t, "release-manager", false)
		tm.Send(pressKey("B"))
		waitFrame(t, f, "the waiting release on the board", func(s string) bool { return strings.Contains(line(s, "▌"), "supply_chain_analytics") })
		tm.Send(pressKey("p"))
		dlg := waitFrame(t, f, "the promotion dialog", func(s string) bool { return strings.Contains(s, "Promote "+release+" to prod") })
		if strings.Contains(dlg, "refused") || !strings.Contains(dlg, "✓ approvals") {
			t.Fatalf("the approved promotion is refused:\n%s", dlg)
		}
		confirmTyped(tm, "prod/supply_chain_analytics", "weekly KPI release", "CHG-48230")
		waitRun(t, f, "the promotion's success", func(s string) bool { return strings.Contains(s, "✓ succeeded") })
		tm.Send(pressKey("x"))
		version := strings.TrimPrefix(release, "supply_chain_analytics@")
		waitRun(t, f, "the board reloaded with the release current in prod", func(s string) bool {
			l := line(s, "supply_chain_analytics")
			return l != "" && !strings.Contains(s, "✓ succeeded") && strings.Count(l, version) >= 3
		})
		quit(t, tm)
	})

	// As viewer: every action is shown disabled, with the reason, in help and on its key.
	t.Run("viewer sees every action disabled with the reason", func(t *testing.T) {
		tm, f := e.cockpitAs(t, "viewer", false)
		tm.Send(pressKey("?"))
		help := waitFrame(t, f, "help with the disabled actions", func(s string) bool { return strings.Contains(s, "(disabled:") })
		entries := helpEntries(help, actionFlowWidth)
		for _, k := range actionKinds {
			e := entries[k.Key]
			if !strings.HasPrefix(e, k.Verb+" (disabled: ") || !strings.Contains(e, "are not in prod's") {
				t.Errorf("help does not list %s (%s) as disabled with its reason: %q\n%s", k.Key, k.Verb, e, help)
			}
		}
		tm.Send(pressKey("?"))
		waitFrame(t, f, "help closed", func(s string) bool { return !strings.Contains(s, "(disabled:") })
		// On the home's incident every key but p (prod is the last environment); p on the
		// board's first release waiting for prod (which one depends on what the flows
		// before promoted).
		for _, k := range []string{"b", "a", "P", "x", "B", "p"} {
			if k == "B" {
				tm.Send(pressKey(k))
				waitRun(t, f, "the board", func(s string) bool { return strings.Contains(line(s, "▌"), "→ prod") })
				continue
			}
			tm.Send(pressKey(k))
			dlg := waitFrame(t, f, "the disabled action's reason ("+k+")", func(s string) bool { return strings.Contains(s, "(disabled)") })
			if !strings.Contains(dlg, "Not allowed") || !strings.Contains(dlg, "not in prod's") {
				t.Errorf("%s: the disabled action does not say why:\n%s", k, dlg)
			}
			tm.Send(pressKey("esc"))
			waitFrame(t, f, "the dialog closed", func(s string) bool { return !strings.Contains(s, "(disabled)") })
		}
		quit(t, tm)
	})

	// --read-only removes the action keys, from help too.
	t.Run("read-only removes the keys", func(t *testing.T) {
		tm, f := e.cockpitAs(t, "release-manager", true)
		tm.Send(pressKey("?"))
		help := waitFrame(t, f, "help", func(s string) bool { return strings.Contains(s, "esc or ? closes help") })
		for _, k := range actionKinds {
			if strings.Contains(help, k.Verb) {
				t.Errorf("read-only help lists %q:\n%s", k.Verb, help)
			}
		}
		tm.Send(pressKey("?"))
		waitFrame(t, f, "help closed", func(s string) bool { return !strings.Contains(s, "esc or ? closes help") })
		// p does nothing: had it opened a dialog, the ? after it would not open help.
		tm.Send(pressKey("p"))
		tm.Send(pressKey("?"))
		if s := waitFrame(t, f, "help again", func(s string) bool { return strings.Contains(s, "esc or ? closes help") }); strings.Contains(s, "Promote ") {
			t.Errorf("p opened a dialog in read-only mode:\n%s", s)
		}
		quit(t, tm)
	})

	// As on-call in a freeze window (this cockpit's policy has one active in prod): rolling
	// back the release just promoted is refused for the freeze alone; on-call, whom the
	// policy lets, breaks glass with ctrl+g and a reason, the run succeeds, and :audit shows
	// the request as break-glass.
	t.Run("oncall breaks glass in a freeze", func(t *testing.T) {
		if release == "" {
			t.Fatal("the refused promotion named no release (it runs first)")
		}
		tm, f := e.cockpitWith(t, "oncall", freezeProd(t))
		cursorTo(t, tm, f, "supply_chain_analytics")
		tm.Send(pressKey("b"))
		dlg := waitFrame(t, f, "the rollback dialog", func(s string) bool { return strings.Contains(s, "Roll back supply_chain_analytics in prod") })
		if !strings.Contains(dlg, "✗ no freeze") || !strings.Contains(dlg, "only the freeze blocks: ctrl+g breaks glass") || !strings.Contains(dlg, "refused: no_freeze") {
			t.Fatalf("the freeze does not block the rollback with break-glass offered to on-call:\n%s", dlg)
		}
		m := dialogTo.FindStringSubmatch(dlg)
		if m == nil {
			t.Fatalf("the rollback dialog names no target version:\n%s", dlg)
		}
		target := m[1]
		tm.Send(pressKey(breakGlassKey))
		bg := waitFrame(t, f, "the break-glass dialog", func(s string) bool {
			return strings.Contains(s, "BREAK-GLASS Roll back supply_chain_analytics in prod")
		})
		if !strings.Contains(bg, "overridden by break-glass: prod is frozen") || strings.Contains(bg, "refused:") {
			t.Fatalf("break-glass does not override the freeze:\n%s", bg)
		}
		confirmTyped(tm, "prod/supply_chain_analytics", "KPI job fails after the promotion", "INC-50002")
		prog := waitRun(t, f, "the break-glass rollback's success", func(s string) bool { return strings.Contains(s, "✓ succeeded") })
		if !strings.Contains(prog, "(break-glass)") {
			t.Errorf("the progress does not say it is break-glass:\n%s", prog)
		}
		tm.Send(pressKey("x"))
		waitRun(t, f, "the home reloaded with the rolled-back row", func(s string) bool {
			return rowWith(s, "supply_chain_analytics", target, "CURRENT", "PINNED") != ""
		})
		tm.Send(pressKey(":"))
		typeKeys(tm, "audit")
		tm.Send(pressKey("enter"))
		aud := waitFrame(t, f, "the request in :audit", func(s string) bool {
			return rowWith(s, "deploy_requested", "supply_chain_analytics@"+target) != ""
		})
		if r := rowWith(aud, "deploy_requested", "supply_chain_analytics@"+target); !strings.Contains(r, "INC-50002") || !strings.Contains(r, " bg") {
			t.Errorf("the break-glass request is not recorded with its ticket and as break-glass:\n%s", r)
		}
		cursorTo(t, tm, f, "deploy_requested", "supply_chain_analytics@"+target)
		tm.Send(pressKey("enter"))
		ev := waitFrame(t, f, "the request in full", func(s string) bool {
			return strings.Contains(s, "break-glass") && strings.Contains(s, "overridden by break-glass")
		})
		if r := rowWith(ev, "break-glass", "yes"); r == "" {
			t.Errorf("the request is not recorded as break-glass:\n%s", ev)
		}
		quit(t, tm)
	})
}

// freezeProd is a policy edit: a deny window in prod, active whenever it is read.
func freezeProd(t *testing.T) func(*model.Policy) {
	t.Helper()
	every, err := model.ParseCron("* * * * *")
	if err != nil {
		t.Fatal(err)
	}
	return func(p *model.Policy) {
		for i := range p.Environments {
			if p.Environments[i].Name == "prod" {
				p.Environments[i].Windows = append(slices.Clip(p.Environments[i].Windows),
					model.FreezeWindow{Kind: model.WindowDeny, Schedule: every, Duration: time.Hour, Reason: "incident freeze (CHG-48101)"})
			}
		}
	}
}
