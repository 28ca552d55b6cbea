package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// command types a : command and runs it, as a person would.
func command(t *testing.T, m *root, line string) {
	t.Helper()
	sendKeys(t, m, ":")
	if !m.cmdlineOpen() {
		t.Fatal(": did not open the command line")
	}
	typeInto(t, m, line)
	sendKeys(t, m, "enter")
}

func TestCommands(t *testing.T) {
	tests := []struct {
		line  string
		check func(t *testing.T, m *root)
	}{
		{"env staging", func(t *testing.T, m *root) {
			if m.home.Crumb() != "staging" {
				t.Fatalf("the tab is %s, want staging", m.home.Crumb())
			}
		}},
		{"env nowhere", func(t *testing.T, m *root) {
			if !m.note.Err || !strings.Contains(m.note.Text, "dev, staging, prod") {
				t.Fatalf("the error %q does not list the environments", m.note.Text)
			}
			if m.home.Crumb() != "prod" {
				t.Fatal("a wrong :env moved the tab")
			}
		}},
		{"bundle ecommerce_orders", func(t *testing.T, m *root) {
			ds := visible(m)
			if len(ds) == 0 {
				t.Fatal("no rows left")
			}
			for _, d := range ds {
				if d.Release.Bundle != "ecommerce_orders" {
					t.Fatalf("%s is shown", d.Release.ID())
				}
			}
		}},
		{"failing", func(t *testing.T, m *root) {
			ds := visible(m)
			if len(ds) == 0 {
				t.Fatal("no rows left")
			}
			for _, d := range ds {
				if d.Verdict != model.VerdictFailing {
					t.Fatalf("%s (%s) is shown", d.Release.ID(), d.Verdict)
				}
			}
		}},
		{"since 2h", func(t *testing.T, m *root) {
			e := m.home.activeEnv()
			if m.home.since != 2*time.Hour || !strings.Contains(ansi.Strip(rootFrame(m)), "last 2h") {
				t.Fatalf("the window is %s", m.home.since)
			}
			if len(e.items) == 0 || len(e.items) >= 49 {
				t.Fatalf("the last 2h of prod hold %d deployments, want fewer than the 49 of 24h and some", len(e.items))
			}
			for _, it := range e.items {
				if testNow.Sub(it.d.DeployedAt) > 2*time.Hour {
					t.Fatalf("%s is %s old", it.d.Release.ID(), testNow.Sub(it.d.DeployedAt))
				}
			}
		}},
		{"since yesterday", func(t *testing.T, m *root) {
			if !m.note.Err || !strings.Contains(m.note.Text, "2h") || m.home.since != 24*time.Hour {
				t.Fatalf("note %q, window %s", m.note.Text, m.home.since)
			}
		}},
		{"frobnicate", func(t *testing.T, m *root) {
			f := ansi.Strip(rootFrame(m))
			if !m.note.Err || !strings.Contains(f, "unknown command :frobnicate") {
				t.Fatalf("no error for an unknown command:\n%s", f)
			}
			if got := strings.Count(f, "\n"); got != 39 {
				t.Fatalf("the error took more than one line (%d lines)", got+1)
			}
		}},
		{"theme mono", func(t *testing.T, m *root) {
			if m.c.Theme.Name != "mono" || hasColour(rootFrame(m)) {
				t.Fatal(":theme mono left colour on the screen")
			}
		}},
		{"theme solarized", func(t *testing.T, m *root) {
			if !m.note.Err || !strings.Contains(m.note.Text, "high-contrast") || m.c.Theme.Name != "dark" {
				t.Fatalf("note %q, theme %s", m.note.Text, m.c.Theme.Name)
			}
		}},
		{"help", func(t *testing.T, m *root) {
			if !m.helpOpen() {
				t.Fatal(":help shows no help")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			m := startRoot(t, rootCommon(t, themes.Dark()), rootOptions(), 120, 40)
			command(t, m, tt.line)
			if m.cmdlineOpen() {
				t.Fatal("the command line stayed open")
			}
			tt.check(t, m)
		})
	}
}

func TestQuitCommandAndKeysQuit(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, ":")
	typeInto(t, m, "q")
	if _, cmd := m.Update(pressKey("enter")); !isQuit(cmd) {
		t.Fatal(":q does not quit")
	}
	for _, k := range []string{"q", "ctrl+c"} {
		if _, cmd := m.Update(pressKey(k)); !isQuit(cmd) {
			t.Fatalf("%s does not quit", k)
		}
	}
}

func TestEscClosesTheCommandLineWithoutRunningIt(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, ":")
	typeInto(t, m, "env dev")
	sendKeys(t, m, "esc")
	if m.cmdlineOpen() || m.home.Crumb() != "prod" {
		t.Fatalf("esc left the command line open (%v) or ran it (tab %s)", m.cmdlineOpen(), m.home.Crumb())
	}
}

func TestCommandsGoBackToTheHome(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	m.Update(Push{Screen: &stubScreen{crumb: "x@1"}})
	command(t, m, "env dev")
	if len(m.stack) != 1 || m.home.Crumb() != "dev" {
		t.Fatalf("after :env dev the stack has %d screens on %s", len(m.stack), m.home.Crumb())
	}
}
