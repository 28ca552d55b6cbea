package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/themes"
)

// startEarly makes a root at a size whose first environment's deployments arrived before
// their health; it returns the rest of that load, held back.
func startEarly(t *testing.T, th *themes.Theme, w, h int) (*root, []tea.Cmd) {
	t.Helper()
	m := New(rootCommon(t, th), rootOptions()).(*root)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	held := settleRootHolding(t, m, m.Init(), true)
	if len(held) != 1 {
		t.Fatalf("%d loads were told of their deployments before their health, want the first environment's", len(held))
	}
	return m, held
}

// The home shows the first environment's deployments as soon as the warehouse lists them,
// before their health is read: what was deployed, when and by whom, with the verdict, runs,
// checks and expectations saying they are being read (no verdict made from nothing, and the
// tab still says it is loading). The whole answer then replaces them, with the cursor on the
// worst deployment.
func TestTheHomeShowsTheDeploymentsBeforeTheirHealth(t *testing.T) {
	for _, th := range []*themes.Theme{themes.Dark(), themes.Mono()} {
		for _, sz := range sizes {
			name := fmt.Sprintf("home_early_%s_%dx%d", th.Name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				m, _ := startEarly(t, th, sz.w, sz.h)
				got := rootFrame(m)
				golden(t, name, got)
				assertFills(t, got, sz.w, sz.h)
			})
		}
	}

	m, held := startEarly(t, themes.Mono(), 120, 40)
	frame := ansi.Strip(rootFrame(m))
	if m.home.Crumb() != "prod" || !strings.Contains(frame, "ecommerce_orders") {
		t.Fatalf("before their health the home does not show prod's deployments:\n%s", frame)
	}
	for _, verdict := range []string{"failing", "healthy", "degraded", "unknown"} {
		if strings.Contains(frame, verdict) {
			t.Errorf("before their health a deployment is said %s:\n%s", verdict, frame)
		}
	}
	if !strings.Contains(frame, UnicodeGlyphs.Ellipsis+" reading") {
		t.Errorf("the rows do not say their health is being read:\n%s", frame)
	}
	if tabs := m.home.tabsLine(); !strings.Contains(ansi.Strip(tabs), "prod "+UnicodeGlyphs.Ellipsis) {
		t.Errorf("prod's tab does not say it is still loading: %q", ansi.Strip(tabs))
	}
	n := len(m.home.env("prod").items)

	for _, c := range held {
		settleRoot(t, m, c)
	}
	frame = ansi.Strip(rootFrame(m))
	if strings.Contains(frame, " reading") {
		t.Errorf("after the whole answer a row still says it is being read:\n%s", frame)
	}
	if got := len(m.home.env("prod").items); got != n {
		t.Errorf("the whole answer holds %d deployments, the early one %d", got, n)
	}
	top := m.home.table.Selected()
	if top == nil || top.Find.Bundle != "ecommerce_orders" || top.Find.Status != "failing" {
		t.Fatalf("after the whole answer the cursor is on %+v, want the failing ecommerce_orders deployment on top", top)
	}
}

// A cursor moved while the health was read stays on its deployment; a load that fails after
// its early rows removes them and says why, as a failed load does.
func TestTheHomeKeepsAMovedCursorAndDropsEarlyRowsOfAFailedLoad(t *testing.T) {
	m, held := startEarly(t, themes.Mono(), 120, 40)
	m.Update(pressKey("j")) // not sendKeys: it waits for the held load
	m.Update(pressKey("j"))
	moved := m.home.table.Selected()
	if moved == nil {
		t.Fatal("no row under the cursor")
	}
	for _, c := range held {
		settleRoot(t, m, c)
	}
	if r := m.home.table.Selected(); r == nil || r.Key != moved.Key {
		t.Errorf("the cursor moved to %v while the health was read, want it kept on %s", r, moved.Key)
	}

	m, _ = startEarly(t, themes.Mono(), 120, 40)
	e := m.home.env("prod")
	m.Update(deploymentsFailedToLoad{req: loadRequest{env: "prod", gen: e.gen, since: m.home.since}, err: fmt.Errorf("the warehouse is asleep")})
	frame := ansi.Strip(rootFrame(m))
	if strings.Contains(frame, "ecommerce_orders") || !strings.Contains(frame, "the warehouse is asleep") {
		t.Errorf("after a failed load the early rows stay or the failure is not said:\n%s", frame)
	}
}

// A release opened before its health was read says so in its header rather than showing a
// verdict, and shows the verdict once the home's whole answer arrives; if that load fails,
// the header says why no verdict will come.
func TestAReleaseOpenedBeforeItsHealthTakesItsVerdictWhenItArrives(t *testing.T) {
	m, held := startEarly(t, themes.Mono(), 120, 40)
	open := openEarly(t, m)
	frame := ansi.Strip(rootFrame(m))
	if !strings.Contains(frame, "ecommerce_orders@") || !strings.Contains(frame, "reading its health") || strings.Contains(frame, "unknown") {
		t.Fatalf("the release opened before its health does not say it is being read:\n%s", frame)
	}
	settleRoot(t, m, tea.Batch(append(held, open)...))
	frame = ansi.Strip(rootFrame(m))
	if !strings.Contains(line(frame, "failing"), "✗ failing") || strings.Contains(frame, "reading its health") {
		t.Errorf("the release does not show its verdict after the home's answer:\n%s", frame)
	}

	m, _ = startEarly(t, themes.Mono(), 120, 40)
	openEarly(t, m)
	e := m.home.env("prod")
	m.Update(deploymentsFailedToLoad{req: loadRequest{env: "prod", gen: e.gen, since: m.home.since}, err: fmt.Errorf("the warehouse is asleep")})
	if frame := ansi.Strip(rootFrame(m)); !strings.Contains(frame, "health not read: the warehouse is asleep") {
		t.Errorf("the release does not say why its health will not come:\n%s", frame)
	}
}

// openEarly presses enter on the home and pushes the release screen it asks for, returning
// the screen's first loads (not run: the test decides when they answer).
func openEarly(t *testing.T, m *root) tea.Cmd {
	t.Helper()
	_, push := m.Update(pressKey("enter"))
	if push == nil {
		t.Fatal("enter on an early row opens nothing")
	}
	_, init := m.Update(push())
	return init
}
