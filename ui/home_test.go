package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

func TestHomeFramesMatchTheGoldenFilesInDarkAndMono(t *testing.T) {
	for _, th := range []*themes.Theme{themes.Dark(), themes.Mono()} {
		for _, sz := range sizes {
			name := fmt.Sprintf("home_%s_%dx%d", th.Name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				m := startRoot(t, rootCommon(t, th), rootOptions(), sz.w, sz.h)
				got := rootFrame(m)
				golden(t, name, got)
				if th.Name == "mono" && hasColour(got) {
					t.Error("the mono frame carries colour")
				}
				if th.Name == "dark" && !hasColour(got) {
					t.Error("the dark frame carries no colour")
				}
				assertFills(t, got, sz.w, sz.h)
			})
		}
	}
}

// assertFills checks that a frame is exactly the terminal's size.
func assertFills(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Fatalf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

func TestHomeStartsOnTheEnvironmentNearestProductionWithAFailingDeployment(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	if got := m.home.Crumb(); got != "prod" {
		t.Fatalf("started on %q, want prod (it has the failing ecommerce_orders release)", got)
	}
	if !strings.Contains(ansi.Strip(rootFrame(m)), "cockpit › prod") {
		t.Error("the crumb line does not say cockpit › prod")
	}
	top := m.home.table.Selected()
	if top == nil || top.Find.Bundle != "ecommerce_orders" || top.Find.Status != "failing" {
		t.Fatalf("the cursor starts on %+v, want the failing ecommerce_orders deployment", top)
	}
}

func TestHomeStartsOnTheEnvironmentItIsGiven(t *testing.T) {
	o := rootOptions()
	o.Env = "staging"
	m := startRoot(t, rootCommon(t, themes.Mono()), o, 120, 40)
	if got := m.home.Crumb(); got != "staging" {
		t.Fatalf("started on %q, want staging", got)
	}
}

// TestHomeLoadsTheEnvironmentItShowsFirst: the other environments' queries wait for the
// first answer, so the screen a user sees first is not slowed by two others.
func TestHomeLoadsTheEnvironmentItShowsFirst(t *testing.T) {
	for _, tc := range []struct{ asked, first string }{{"", "prod"}, {"staging", "staging"}} {
		h := newHome(rootCommon(t, themes.Mono()), homeOptions{env: tc.asked, clock: func() time.Time { return testNow }})
		if h.Init() == nil {
			t.Fatal("Init starts no load")
		}
		for _, e := range h.envs {
			if want := map[bool]int{true: 1, false: 0}[e.name == tc.first]; e.pending != want {
				t.Errorf("asked %q: %s has %d loads in flight after Init, want %d", tc.asked, e.name, e.pending, want)
			}
		}
		first := h.env(tc.first)
		_, cmd := h.Update(deploymentsLoaded{req: loadRequest{env: first.name, gen: first.gen, since: h.since}})
		if cmd == nil {
			t.Fatalf("asked %q: the first answer starts no other load", tc.asked)
		}
		for _, e := range h.envs {
			if e != first && e.pending != 1 {
				t.Errorf("asked %q: %s has %d loads in flight after the first answer, want 1", tc.asked, e.name, e.pending)
			}
		}
		if _, cmd := h.Update(deploymentsLoaded{req: loadRequest{env: "dev", gen: h.env("dev").gen}}); cmd != nil {
			t.Errorf("asked %q: a later answer starts loads again", tc.asked)
		}
	}
}

func TestHomeListsFailingAndProvisionalFirst(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	for _, e := range m.home.envs {
		for i := 1; i < len(e.items); i++ {
			a, b := e.items[i-1].d, e.items[i].d
			if model.TriageLess(b.Assessment, a.Assessment, b.DeployedAt, a.DeployedAt) {
				t.Fatalf("%s: %s (%s) is listed after %s (%s)", e.name, b.Release.ID(), b.Verdict, a.Release.ID(), a.Verdict)
			}
		}
	}
}

func TestHomeTabsShowEachEnvironmentsCountAndWorstVerdict(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	line := ansi.Strip(strings.Split(rootFrame(m), "\n")[1])
	for _, e := range m.home.envs {
		want := fmt.Sprintf("%s %d %s", e.name, len(e.items), verdictGlyph(UnicodeGlyphs, e.worst))
		if !strings.Contains(line, want) {
			t.Errorf("tabs %q do not show %q", line, want)
		}
	}
}

func TestTabKeysPickTheEnvironment(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	tests := []struct{ key, want string }{
		{"1", "dev"}, {"tab", "staging"}, {"tab", "prod"}, {"tab", "dev"},
		{"shift+tab", "prod"}, {"2", "staging"}, {"9", "staging"}, {"3", "prod"},
	}
	for _, tt := range tests {
		sendKeys(t, m, tt.key)
		if got := m.home.Crumb(); got != tt.want {
			t.Fatalf("after %s the tab is %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestTabsRememberWhereTheCursorWas(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, "j", "j", "j")
	want := m.home.table.Selected().Key
	sendKeys(t, m, "1", "j", "3")
	if got := m.home.table.Selected().Key; got != want {
		t.Fatalf("back on prod the cursor is on %s, want %s", got, want)
	}
}
func TestCursorKeysMoveWithinTheList(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 24)
	n := m.home.table.Len()
	tests := []struct {
		key  string
		want int
	}{
		{"j", 1}, {"down", 2}, {"k", 1}, {"up", 0}, {"k", 0}, {"G", n - 1}, {"g", 0},
		{"ctrl+d", 9}, {"ctrl+u", 0},
	}
	for _, tt := range tests {
		sendKeys(t, m, tt.key)
		if got := m.home.table.Cursor(); got != tt.want {
			t.Fatalf("after %s the cursor is at %d, want %d", tt.key, got, tt.want)
		}
	}
}

func TestEnterSaysSoWhenTheReleaseViewIsNotThere(t *testing.T) {
	saved := openRelease
	openRelease = nil
	defer func() { openRelease = saved }()
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, "enter")
	if !strings.Contains(ansi.Strip(rootFrame(m)), "release view not available") {
		t.Fatal("enter without a release view says nothing")
	}
	if len(m.stack) != 1 {
		t.Fatal("enter pushed something")
	}
}

// stubScreen stands in for the release screen, which another file provides.
type stubScreen struct {
	crumb string
	w, h  int
}

func (s *stubScreen) Init() tea.Cmd                    { return nil }
func (s *stubScreen) Update(tea.Msg) (Screen, tea.Cmd) { return s, nil }
func (s *stubScreen) View() string                     { return "release " + s.crumb }
func (s *stubScreen) SetSize(w, h int)                 { s.w, s.h = w, h }
func (s *stubScreen) KeyMap() []key.Binding            { return nil }
func (s *stubScreen) Crumb() string                    { return s.crumb }

func TestEnterOpensTheDeploymentUnderTheCursorAndEscComesBack(t *testing.T) {
	saved := openRelease
	defer func() { openRelease = saved }()
	var gotEnv string
	var got source.Deployment
	openRelease = func(c *Common, env string, d source.Deployment) Screen {
		gotEnv, got = env, d
		return &stubScreen{crumb: d.Release.ID()}
	}
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, "j", "enter")
	want := m.home.activeEnv().byID[m.home.table.Selected().Key].d
	if gotEnv != "prod" || got.ID != want.ID {
		t.Fatalf("opened %s in %s, want %s in prod", got.Release.ID(), gotEnv, want.Release.ID())
	}
	if len(m.stack) != 2 {
		t.Fatalf("the stack has %d screens, want 2", len(m.stack))
	}
	f := ansi.Strip(rootFrame(m))
	if !strings.Contains(f, "cockpit › prod › "+want.Release.ID()) {
		t.Errorf("the crumb line does not lead to the release:\n%s", f)
	}
	if s := m.stack[1].(*stubScreen); s.w != 120 || s.h != 38 {
		t.Errorf("the pushed screen got %dx%d, want 120x38", s.w, s.h)
	}
	sendKeys(t, m, "esc")
	if len(m.stack) != 1 || m.home.Crumb() != "prod" {
		t.Fatal("esc did not come back to the home")
	}
}
