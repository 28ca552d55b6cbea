package ui

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/themes"
)

// rawFramed keeps the last frame as drawn (styles and all), to look for bytes of the
// planted escape sequences, next to the stripped frame framed keeps.
type rawFramed struct {
	framed
	raw *string
}

func (f rawFramed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := f.framed.Update(msg)
	f.framed = m.(framed)
	return f, cmd
}

func (f rawFramed) View() tea.View {
	v := f.framed.View()
	f.mu.Lock()
	*f.raw += v.Content
	f.mu.Unlock()
	return v
}

// planted are bytes of the hostile estate's strings that no frame of ours contains: OSC 52
// (writes the clipboard), BEL, a C1 control and what its CSI carries (U+009B "31m" then
// "evil"), a bidirectional override, clear screen, red.
var planted = []string{"]52;", "\a", "\u009b", "31mevil", "\u202e", "\x1b[2J", "\x1b[31m"}

// The hostile estate in the TUI: prod's home says how many ledger rows it left out and
// why; the deployment whose every string carries escape sequences is listed, cleaned; its
// Runs tab says it left out the run slice without a run id; its Checks tab shows the check
// whose details are not JSON with its status and "details unreadable"; and no byte of the
// planted sequences reaches the terminal.
func TestHostileEstateIsShownCleanedWithTheRowsLeftOutCounted(t *testing.T) {
	needSim(t)
	src, err := source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{
		Path: filepath.Join(t.TempDir(), "hostile.duckdb"), Seed: 1, Now: testNow, Days: 2, Hostile: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: src.Now, Timeout: 30 * time.Second}
	f := rawFramed{framed: newFramed(New(c, Options{Env: "prod", Refresh: -1, Clock: func() time.Time { return testNow }})), raw: new(string)}
	tm := teatest.NewTestModel(t, f, teatest.WithInitialTermSize(200, 50))
	key := func(k string) { tm.Send(pressKey(k)) }

	home := waitFrame(t, f.framed, "prod's deployments and the rows left out", func(s string) bool {
		return strings.Contains(s, "› prod") && strings.Contains(s, "4 ledger rows left out")
	})
	if !strings.Contains(home, "1 no release id") {
		t.Errorf("the home does not say why rows were left out:\n%s", home)
	}
	key("/")
	for _, r := range "hostile_escapes" {
		key(string(r))
	}
	key("enter")
	waitFrame(t, f.framed, "the hostile deployment", func(s string) bool { return strings.Contains(line(s, "▌"), "hostile_escapesred") })
	key("enter")
	waitFrame(t, f.framed, "its release screen, the Runs tab saying what it left out", func(s string) bool {
		return strings.Contains(s, "Runs") && strings.Contains(s, "@1.0") && strings.Contains(s, "1 row left out: no run id")
	})
	key("2") // Checks
	checks := waitFrame(t, f.framed, "the unreadable check", func(s string) bool { return strings.Contains(s, "details unreadable") })
	if row := line(checks, "details unreadable"); !strings.Contains(row, "fail") {
		t.Errorf("the check with unreadable details lost its status:\n%s", row)
	}
	key("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	out, err := io.ReadAll(tm.FinalOutput(t))
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	frames := *f.raw
	f.mu.Unlock()
	for _, p := range planted {
		if strings.Contains(frames, p) {
			t.Errorf("%q from the data reaches a frame", p)
		}
		// The renderer clears the screen itself; every other planted byte is the data's.
		if p != "\x1b[2J" && bytes.Contains(out, []byte(p)) {
			t.Errorf("%q from the data reaches the terminal", p)
		}
	}
}
