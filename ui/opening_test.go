package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/themes"
)

// TestTheFirstFrameIsDrawnBeforeTheSourceIsOpen: with Options.Open the first frame says
// what is being opened, before any data; once the source answers, the home fills in.
func TestTheFirstFrameIsDrawnBeforeTheSourceIsOpen(t *testing.T) {
	src := testSource(t)
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs}
	o := rootOptions()
	o.Opening = "opening the simulated workspace…"
	release := make(chan struct{})
	o.Open = func(ctx context.Context) (Opened, error) {
		<-release
		return Opened{Source: src, Now: src.Now, Timeout: src.Timeout(), Workspace: "simulated workspace"}, nil
	}
	m := New(c, o).(*root)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	init := m.Init()
	f := ansi.Strip(rootFrame(m))
	if !strings.Contains(f, "opening the simulated workspace…") {
		t.Fatalf("the first frame does not say what opens:\n%s", f)
	}
	assertFills(t, rootFrame(m), 120, 40)
	close(release)
	settleRoot(t, m, init)
	f = ansi.Strip(rootFrame(m))
	if strings.Contains(f, "opening the") || !strings.Contains(f, "ecommerce_orders") {
		t.Fatalf("the home did not fill in once the source was open:\n%s", f)
	}
}

// TestASourceThatCannotOpenEndsTheProgramWithItsError: the error is what Run returns.
func TestASourceThatCannotOpenEndsTheProgramWithItsError(t *testing.T) {
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs}
	o := rootOptions()
	want := errors.New("profile prod cannot be used")
	o.Open = func(context.Context) (Opened, error) { return Opened{}, want }
	m := New(c, o).(*root)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	_, cmd := m.Update(sourceOpened{err: want})
	if cmd == nil || m.openErr != want {
		t.Fatalf("a failed open does not end the program with its error (%v)", m.openErr)
	}
}
