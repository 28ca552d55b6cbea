package ui

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// runPageURL stands in for the simulated workspace's run page URL, whose port changes from
// run to run.
const runPageURL = "https://prod.cloud.databricks.example/?o=7064161269292651#job/1200000001000/run/29923893999"

var incidentRunLoad struct {
	once sync.Once
	run  domain.JobRun
	msg  runDetailLoaded
}

// incidentRun is the incident's failed job run, as the Runs tab lists it, and its load.
func incidentRun(t *testing.T) (domain.JobRun, runDetailLoaded) {
	t.Helper()
	needSim(t)
	incidentRunLoad.once.Do(func() {
		s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabRuns, 120, 40)
		for _, r := range s.tabs[tabRuns].data.(runsTabData).runs {
			if r.Failed() {
				incidentRunLoad.run = r
				break
			}
		}
		c := relCommon(t, themes.Mono(), UnicodeGlyphs)
		incidentRunLoad.msg = loadRun(c, "prod", incidentRunLoad.run.RunID, 1)().(runDetailLoaded)
		incidentRunLoad.msg.detail.RunPageURL = runPageURL
	})
	if incidentRunLoad.run.RunID == "" {
		t.Fatal("the incident has no failed job run")
	}
	if incidentRunLoad.msg.err != nil {
		t.Fatalf("loading run %s: %v", incidentRunLoad.run.RunID, incidentRunLoad.msg.err)
	}
	return incidentRunLoad.run, incidentRunLoad.msg
}

func openRun(t *testing.T, c *Common, w, h int) *RunScreen {
	t.Helper()
	run, msg := incidentRun(t)
	s := NewRunScreen(c, "prod", run).(*RunScreen)
	s.SetSize(w, h)
	if s.Init() == nil {
		t.Fatal("Init does not load the run")
	}
	s.Update(msg)
	return s
}

func TestRunScreenGolden(t *testing.T) {
	for _, th := range goldenThemes {
		for _, sz := range sizes {
			name := fmt.Sprintf("run_%s_%dx%d", th.name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				s := openRun(t, relCommon(t, th.theme(), UnicodeGlyphs), sz.w, sz.h)
				v := s.View()
				checkFrame(t, v, th.name, sz.w, sz.h)
				golden(t, name, v)
			})
		}
	}
}

func TestRunScreenShowsTasksTerminationAndURL(t *testing.T) {
	s := openRun(t, relCommon(t, themes.Mono(), ASCIIGlyphs), 120, 40)
	v := ansi.Strip(s.View())
	for _, want := range []string{"x failed", "RUN_EXECUTION_ERROR (CLIENT_ERROR)", "url " + runPageURL, "y copies it", "prepare", "refresh"} {
		if !strings.Contains(v, want) {
			t.Errorf("%q not on the run screen:\n%s", want, v)
		}
	}
	if s.Crumb() != "run "+s.run.RunID {
		t.Errorf("crumb %q", s.Crumb())
	}
}

func TestYCopiesTheRunURLWithOSC52AndSaysSo(t *testing.T) {
	s := openRun(t, relCommon(t, themes.Mono(), UnicodeGlyphs), 120, 40)
	_, cmd := s.Update(keyPress("y"))
	if cmd == nil {
		t.Fatal("y returns no command")
	}
	if got, want := cmd(), (copyRequest{What: "run page URL", Value: runPageURL}); got != want {
		t.Errorf("y yields %#v, want %#v", got, want)
	}
	if v := ansi.Strip(s.View()); !strings.Contains(v, "sent to the terminal's clipboard") {
		t.Errorf("the screen does not say the URL was sent to the clipboard:\n%s", v)
	}
}

// The root turns a copy request into tea's clipboard message (OSC 52) and a notice that
// says where it was sent, never that it arrived; with nothing to copy it says so.
func TestTheRootSendsACopyToTheClipboardAndSaysWhere(t *testing.T) {
	m := &root{}
	got := m.copy(copyRequest{What: "run page URL", Value: runPageURL})
	if got == nil {
		t.Fatal("no command")
	}
	want := tea.SetClipboard(runPageURL)()
	if msg := got(); reflect.TypeOf(msg) != reflect.TypeOf(want) || msg != want {
		t.Errorf("the copy yields %T %v, want tea's clipboard message %T %v", msg, msg, want, want)
	}
	if !strings.Contains(m.note.Text, "sent the run page URL to the terminal's clipboard") || strings.Contains(m.note.Text, "copied") || m.note.Err {
		t.Errorf("notice %+v", m.note)
	}
	if m.copy(copyRequest{What: "run page URL"}) != nil || m.note.Text != "no run page URL to copy" || !m.note.Err {
		t.Errorf("an empty copy: notice %+v", m.note)
	}
	if m.copy(copyRequest{What: "update URL", Err: errors.New("timed out")}) != nil || !strings.Contains(m.note.Text, "could not copy the update URL: timed out") {
		t.Errorf("a failed read: notice %+v", m.note)
	}
}

func TestYWithoutAURLSaysWhyAndCopiesNothing(t *testing.T) {
	run, _ := incidentRun(t)
	s := NewRunScreen(relCommon(t, themes.Mono(), UnicodeGlyphs), "prod", run).(*RunScreen)
	s.SetSize(80, 24)
	s.Init()
	if _, cmd := s.Update(keyPress("y")); cmd == nil || cmd().(copyRequest).Value != "" {
		t.Error("y copied something before the run loaded")
	}
	for _, b := range s.KeyMap() {
		if b.Help().Key == "y" && b.Enabled() {
			t.Error("y is offered without a URL")
		}
	}
}

// The run's message and URL come from the workspace: they are cleaned before they are
// drawn and before they reach the clipboard.
func TestRunScreenCleansWhatTheWorkspaceSays(t *testing.T) {
	run, msg := incidentRun(t)
	msg.detail.StateMessage = "boom\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07"
	msg.detail.RunPageURL = "https://x.example/run\x1b]52;c;ZXZpbA==\x07/1"
	s := NewRunScreen(relCommon(t, themes.Mono(), UnicodeGlyphs), "prod", run).(*RunScreen)
	s.SetSize(120, 40)
	s.Init()
	s.Update(msg)
	v := s.View()
	for _, bad := range []string{"\x1b[2J", "\x1b]8", "\x1b]52"} {
		if strings.Contains(v, bad) {
			t.Errorf("the view carries %q", bad)
		}
	}
	_, cmd := s.Update(keyPress("y"))
	if got := cmd().(copyRequest); got.Value != "https://x.example/run/1" {
		t.Errorf("copied %q, want the cleaned URL", got.Value)
	}
}

func TestARunThatFailsToLoadSaysWhy(t *testing.T) {
	s := NewRunScreen(relCommon(t, themes.Mono(), UnicodeGlyphs), "prod", domain.JobRun{RunID: "not-a-number"}).(*RunScreen)
	s.SetSize(80, 24)
	s.Update(s.Init()())
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "could not load the run:") || !strings.Contains(v, "not a number") {
		t.Errorf("the error state does not say what failed:\n%s", v)
	}
	// Another screen's result is not this one's.
	s.Update(runDetailLoaded{env: "prod", runID: "other", gen: s.gen})
	if !strings.Contains(ansi.Strip(s.View()), "could not load") {
		t.Error("a result for another run was taken")
	}
}
