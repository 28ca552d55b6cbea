package ui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/themes"
)

// TestAPersonFiltersSwitchesEnvironmentAndQuits drives the real program: the frames go to
// a terminal, the keys come as a person types them. (teatest v2 cannot be linked here: its
// golden package defines the -update flag that testenv_test.go defines too.)
func TestAPersonFiltersSwitchesEnvironmentAndQuits(t *testing.T) {
	c := rootCommon(t, themes.Mono())
	term := newTerminal("ecommerce_orders")
	p := tea.NewProgram(New(c, rootOptions()), tea.WithInput(nil), tea.WithOutput(term), tea.WithWindowSize(120, 40),
		tea.WithoutSignalHandler())
	final := make(chan tea.Model, 1)
	go func() {
		m, err := p.Run()
		if err != nil {
			t.Error(err)
		}
		final <- m
	}()
	select {
	case <-term.seen:
	case <-time.After(30 * time.Second):
		t.Fatal("no frame with data within 30s")
	}
	typeKeys := func(s string) {
		for _, r := range s {
			p.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	typeKeys("/bundle:ecommerce status:failing")
	p.Send(pressKey("enter"))
	typeKeys(":env staging")
	p.Send(pressKey("enter"))
	typeKeys("q")
	var m *root
	select {
	case fm := <-final:
		m = fm.(*root)
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}
	if m.home.Crumb() != "staging" || m.home.filter.String() != "bundle:ecommerce status:failing" {
		t.Fatalf("ended on %s with filter %q", m.home.Crumb(), m.home.filter.String())
	}
	for _, d := range visible(m) {
		if !strings.Contains(d.Release.Bundle, "ecommerce") || d.Verdict != "failing" {
			t.Fatalf("%s (%s) passed the filter", d.Release.ID(), d.Verdict)
		}
	}
}

func TestRunEndsWhenThePersonQuitsOrTheContextEnds(t *testing.T) {
	c := rootCommon(t, themes.Mono())
	in, keys := io.Pipe()
	done := make(chan error, 1)
	term := newTerminal("cockpit")
	go func() { done <- Run(context.Background(), c, rootOptions(), in, term) }()
	waitDrawn(t, term)
	io.WriteString(keys, "q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end Run")
	}

	ctx, cancel := context.WithCancel(context.Background())
	term = newTerminal("cockpit")
	go func() { done <- Run(ctx, c, rootOptions(), nil, term) }()
	waitDrawn(t, term)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after the context ended: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the context's end did not end Run")
	}
}

// waitDrawn waits until the program has started writing to its terminal (it draws no frame
// before a window size, which a pipe never reports).
func waitDrawn(t *testing.T, term *terminal) {
	t.Helper()
	select {
	case <-term.wrote:
	case <-time.After(30 * time.Second):
		t.Fatal("the program wrote nothing within 30s")
	}
}
