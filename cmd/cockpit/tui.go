package main

import (
	"context"
	"io"
	"log/slog"
	"math"
	"os"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/themes"
	"github.com/release-cockpit/cockpit/ui"
)

// tuiFlags are the flags of the interactive home.
type tuiFlags struct {
	theme   string
	noColor bool
	ascii   bool
	refresh time.Duration
	env     string
	// readOnly removes the action keys (as read_only: true per environment does).
	readOnly bool
}

// runHome opens the TUI when stdin and stdout are a terminal; otherwise (a pipe, a file,
// CI) it prints the plain-text snapshot of the home screen and exits 0.
func runHome(ctx context.Context, g *globals) error {
	if _, err := themes.ByName(g.tui.theme); err != nil {
		return usage("--theme: %v", err)
	}
	if g.tui.refresh < 0 {
		return usage("--refresh must be positive")
	}
	src, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	out, isFile := g.stdout.(*os.File)
	if !isFile || !term.IsTerminal(out.Fd()) || !term.IsTerminal(os.Stdin.Fd()) {
		return writeHome(ctx, g.stdout, src, g.style())
	}
	c := newCommon(g, src)
	pol, err := src.Policy()
	if err != nil {
		return asUsage(err)
	}
	pol.ReadOnly = pol.ReadOnly || g.tui.readOnly
	c.Actions = source.UIActions{A: src.Actions(pol)}
	if g.debug != "" {
		stop := logUsage(g.debugLog, src, time.Minute)
		defer stop()
	}
	return ui.Run(ctx, c, g.tuiOptions(src), os.Stdin, out)
}

// logUsage writes to the debug log, every interval, the warehouse statements and REST
// calls each environment cost in it, per minute; stop ends it.
func logUsage(w io.Writer, src *source.Source, every time.Duration) (stop func()) {
	log := slog.New(slog.NewTextHandler(w, nil))
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		last := src.Usage()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			now := src.Usage()
			d := now.Since(last)
			for _, env := range d.Names() {
				st, calls := d.PerMinute(d.Envs[env])
				log.Info("watching cost", "env", env, "statements_per_min", round1(st), "rest_calls_per_min", round1(calls),
					"statements_total", now.Envs[env].Statements, "rest_calls_total", now.Envs[env].Calls)
			}
			last = now
		}
	}()
	return func() { close(done) }
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// newCommon builds what every screen shares: theme, glyphs, source, clock, timeout.
func newCommon(g *globals, src *source.Source) *ui.Common {
	name := g.tui.theme
	if name == "" || name == "auto" {
		name = src.Config().Theme
	}
	noColor := g.tui.noColor || os.Getenv("NO_COLOR") != ""
	dark := true
	if name == "" || name == "auto" {
		// Asking the terminal is I/O: done once here, before the program starts.
		dark = lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
	}
	c := &ui.Common{Theme: themes.Pick(name, noColor, dark), Glyphs: ui.UnicodeGlyphs, Source: src, Now: src.Now, Timeout: src.Timeout()}
	if g.tui.ascii {
		c.Glyphs = ui.ASCIIGlyphs
	}
	return c
}

func (g *globals) tuiOptions(src *source.Source) ui.Options {
	o := ui.Options{Env: g.tui.env, Refresh: g.tui.refresh, Workspace: src.Label(), Debug: nil}
	if o.Refresh == 0 {
		o.Refresh = time.Duration(src.Config().Refresh)
	}
	o.FullRefresh = time.Duration(src.Config().FullRefresh)
	if g.debug != "" {
		o.Debug = g.debugLog
	}
	return o
}
