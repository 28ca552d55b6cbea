package ui

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/themes"
)

// testCommon is what the cockpit's command would build, over the shared simulated workspace.
func rootCommon(t testing.TB, th *themes.Theme) *Common {
	src := testSource(t)
	return &Common{Theme: th, Glyphs: UnicodeGlyphs, Source: src, Now: src.Now, Timeout: 30 * time.Second}
}

// testOptions freeze everything a frame shows: the wall clock (data ages), the workspace's
// name (the estate's file is in a temporary directory) and the refresh clock (off).
func rootOptions() Options {
	return Options{Workspace: "simulated workspace", Clock: func() time.Time { return testNow }, Refresh: -1}
}

// start makes a root model at a size and lets its first loads finish.
func startRoot(t testing.TB, c *Common, o Options, w, h int) *root {
	t.Helper()
	m := New(c, o).(*root)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	settleRoot(t, m, m.Init())
	return m
}

// settle runs commands the way the program would, feeding their messages back into the
// model, until no load is in flight. Timers (the refresh clock, the data age, the spinner)
// are left to fire into the void: a test decides itself when time passes.
func settleRoot(t testing.TB, m *root, cmd tea.Cmd) {
	t.Helper()
	settleRootHolding(t, m, cmd, false)
}

// settleRootHolding is settleRoot that, when hold is set, takes the deployments shown
// before their health (deploymentsEarly) but holds back the rest of their loads: it returns
// those when nothing else runs, and the model stays as it is before the whole answers.
func settleRootHolding(t testing.TB, m *root, cmd tea.Cmd, hold bool) []tea.Cmd {
	t.Helper()
	var held []tea.Cmd
	msgs := make(chan tea.Msg, 4096)
	var running atomic.Int64
	run := func(c tea.Cmd) {
		if c != nil {
			running.Add(1)
			go func() { msgs <- c(); running.Add(-1) }()
		}
	}
	run(cmd)
	timeout := time.After(60 * time.Second)
	for {
		if running.Load() == 0 && len(msgs) == 0 && (!m.busy() || len(held) > 0) {
			return held
		}
		var msg tea.Msg
		select {
		case msg = <-msgs:
		case <-time.After(50 * time.Millisecond):
			// Commands that answer at once have answered; what still runs is a load
			// (the model is busy) or a timer (it is not).
			if !m.busy() || len(held) > 0 {
				return held
			}
			continue
		case <-timeout:
			t.Fatal("loads did not finish within 60s")
		}
		switch msg := msg.(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				run(c)
			}
		case nil, clockTicked, refreshDue, spinner.TickMsg:
		case deploymentsEarly:
			m.Update(msg)
			if hold {
				held = append(held, msg.rest)
			} else {
				run(msg.rest)
			}
		default:
			_, c := m.Update(msg)
			run(c)
		}
	}
}

// tickAt delivers a clock tick at a wall-clock time, as the program does when time passes;
// the data's clock stays where it is.
func tickAt(m *root, wall time.Time) { m.Update(clockTicked{wall: wall, data: m.c.Time()}) }

// press makes the key press a terminal would send for a key name ("j", "enter", "ctrl+d").
func pressKey(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// keys sends key presses (space-separated names) and settles after each.
func sendKeys(t testing.TB, m *root, names ...string) {
	t.Helper()
	for _, k := range names {
		_, cmd := m.Update(pressKey(k))
		settleRoot(t, m, cmd)
	}
}

// typeText types text one rune at a time.
func typeInto(t testing.TB, m *root, s string) {
	t.Helper()
	for _, r := range s {
		k := string(r)
		if r == ' ' {
			k = "space"
		}
		_, cmd := m.Update(pressKey(k))
		settleRoot(t, m, cmd)
	}
}

func rootFrame(m *root) string { return m.View().Content }

func TestHelpIsGeneratedFromTheKeyMapsAndMatchesTheGoldenFile(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 80, 24)
	sendKeys(t, m, "?")
	got := rootFrame(m)
	golden(t, "home_help_mono_80x24", got)
	assertFills(t, got, 80, 24)
	plain := ansi.Strip(got)
	sendKeys(t, m, "pgdown") // help's second page
	plain += ansi.Strip(rootFrame(m))
	for _, b := range append(m.home.KeyMap(), m.keys.list()...) {
		if !strings.Contains(plain, b.Help().Key) {
			t.Errorf("help does not mention %s", b.Help().Key)
		}
	}
	sendKeys(t, m, "j")
	if !m.helpOpen() || m.home.table.Cursor() != 0 {
		t.Fatal("keys reached the screen under the help")
	}
	for _, k := range []string{"esc", "?"} {
		if !m.helpOpen() {
			sendKeys(t, m, "?")
		}
		sendKeys(t, m, k)
		if m.helpOpen() {
			t.Fatalf("%s does not close help", k)
		}
	}
}

func TestBelowTheMinimumSizeTheCockpitSaysTheSizes(t *testing.T) {
	tests := []struct{ w, h int }{{59, 30}, {100, 15}, {20, 5}}
	for _, tt := range tests {
		m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), tt.w, tt.h)
		got := rootFrame(m)
		assertFills(t, got, tt.w, tt.h)
		plain := ansi.Strip(got)
		if tt.w >= 20 && !strings.Contains(plain, fmtSize(tt.w, tt.h)) {
			t.Errorf("%dx%d: the current size is not said:\n%s", tt.w, tt.h, plain)
		}
		if tt.w >= 20 && !strings.Contains(plain, "60x16") {
			t.Errorf("%dx%d: the required size is not said:\n%s", tt.w, tt.h, plain)
		}
		if _, cmd := m.Update(pressKey("q")); !isQuit(cmd) {
			t.Errorf("%dx%d: q does not quit", tt.w, tt.h)
		}
	}
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 60, 16)
	if strings.Contains(rootFrame(m), "too small") {
		t.Fatal("60x16 is said to be too small")
	}
	golden(t, "home_mono_60x16", rootFrame(m))
}

func TestEscAtTheHomeDoesNothingAndNotesClearOnTheNextKey(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, "esc")
	if len(m.stack) != 1 || m.home.Crumb() != "prod" {
		t.Fatal("esc at the home changed something")
	}
	m.Update(Notify{Text: "hello", Err: true})
	if !strings.Contains(ansi.Strip(rootFrame(m)), "✗ hello") {
		t.Fatal("a notice is not shown with its glyph")
	}
	sendKeys(t, m, "j")
	if strings.Contains(ansi.Strip(rootFrame(m)), "hello") {
		t.Fatal("the notice outlived the next key")
	}
}

func TestACoveredScreenStillReceivesItsMessages(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	m.Update(Push{Screen: &stubScreen{crumb: "x@1"}})
	refresh(t, m)
	if m.home.Busy() {
		t.Fatal("the home's refresh never came back while covered")
	}
	if m.home.activeEnv().problem != nil {
		t.Fatal(m.home.activeEnv().problem)
	}
}

func TestMonoStaysColourlessWithEveryOverlayOpen(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	steps := []struct {
		name string
		do   func()
	}{
		{"filter line", func() { sendKeys(t, m, "/"); typeInto(t, m, "bundle:e") }},
		{"kept filter", func() { sendKeys(t, m, "enter") }},
		{"command line", func() { sendKeys(t, m, ":"); typeInto(t, m, "env") }},
		{"command error", func() { typeInto(t, m, "x"); sendKeys(t, m, "enter") }},
		{"help", func() { sendKeys(t, m, "?") }},
	}
	for _, s := range steps {
		s.do()
		if f := rootFrame(m); hasColour(f) {
			t.Fatalf("%s: the mono frame carries colour:\n%q", s.name, f)
		}
	}
}

// The help overlay and the root's frame, like every screen, are kept as golden files at the
// three sizes in the dark and mono themes.
func TestHelpOverlayGoldenAtEverySizeAndTheme(t *testing.T) {
	for _, th := range []struct {
		name  string
		theme func() *themes.Theme
	}{{"dark", themes.Dark}, {"mono", themes.Mono}} {
		for _, sz := range sizes {
			name := fmt.Sprintf("help_%s_%dx%d", th.name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				m := startRoot(t, rootCommon(t, th.theme()), rootOptions(), sz.w, sz.h)
				sendKeys(t, m, "?")
				got := rootFrame(m)
				assertFills(t, got, sz.w, sz.h)
				if th.name == "mono" && hasColour(got) {
					t.Error("the mono help drew colour")
				}
				golden(t, name, got)
			})
		}
	}
}
