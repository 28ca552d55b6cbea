package main

import (
	"context"
	"io"
	"log/slog"
	"math"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/release-cockpit/cockpit/config"
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
// CI) it prints the plain-text snapshot of the home screen and exits 0. The TUI draws its
// first frame at once and opens the source behind it ("opening…"), except for a
// simulated estate that does not exist yet, whose generation reports its progress on
// stderr before the screen is taken.
func runHome(ctx context.Context, g *globals) error {
	if _, err := themes.ByName(g.tui.theme); err != nil {
		return usage("--theme: %v", err)
	}
	if g.tui.refresh < 0 {
		return usage("--refresh must be positive")
	}
	out, isFile := g.stdout.(*os.File)
	if !isFile || !term.IsTerminal(out.Fd()) || !term.IsTerminal(os.Stdin.Fd()) {
		src, err := g.open(ctx)
		if err != nil {
			return err
		}
		defer src.Close()
		return writeHome(ctx, g.stdout, src, g.style())
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	c, o := newCommon(g, cfg), g.tuiOptions(cfg)
	var opened openedSource
	defer opened.close()
	if g.demo && !g.estateExists() {
		op, err := opened.open(ctx, g)
		if err != nil {
			return err
		}
		c.Source, c.Actions, c.Now, c.Timeout, o.Workspace = op.Source, op.Actions, op.Now, op.Timeout, op.Workspace
	} else {
		o.Open = func(ctx context.Context) (ui.Opened, error) { return opened.open(ctx, g) }
		o.Opening = "opening " + g.opening() + "…"
	}
	return ui.Run(ctx, c, o, os.Stdin, out)
}

// openedSource is the source the TUI opened, closed when it ends (after the open in
// flight, if the user quit while it opened).
type openedSource struct {
	mu    sync.Mutex
	src   *source.Source
	stop  func()
	wg    sync.WaitGroup
	ended bool
}

// open opens the source with the actions of its policy, and starts the debug log's
// count of statements and calls.
func (s *openedSource) open(ctx context.Context, g *globals) (ui.Opened, error) {
	s.wg.Add(1)
	defer s.wg.Done()
	src, err := g.open(ctx)
	if err != nil {
		return ui.Opened{}, err
	}
	pol, err := src.Policy()
	if err != nil {
		src.Close()
		return ui.Opened{}, asUsage(err)
	}
	pol.ReadOnly = pol.ReadOnly || g.tui.readOnly
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		src.Close()
		return ui.Opened{}, ctx.Err()
	}
	s.src = src
	if g.debug != "" {
		s.stop = logUsage(g.debugLog, src, time.Minute)
	}
	return ui.Opened{Source: src, Actions: source.UIActions{A: src.Actions(pol)}, Now: src.Now, Timeout: src.Timeout(), Workspace: src.Label()}, nil
}

// close waits for an open in flight and closes what was opened.
func (s *openedSource) close() {
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = true
	if s.stop != nil {
		s.stop()
	}
	if s.src != nil {
		s.src.Close()
	}
}

// estateExists says whether the simulated estate's file is there (a warm start).
func (g *globals) estateExists() bool {
	path, err := demoPath(g)
	if err != nil || g.demoReset {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

// opening names what is being opened, for the first frame.
func (g *globals) opening() string {
	if g.demo {
		return "the simulated workspace"
	}
	return "the workspace"
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

// newCommon builds what every screen shares before the source is open: theme and glyphs.
// The theme "auto" starts dark and follows the terminal's answer about its background
// (ui.Options.AutoTheme), so nothing is asked of the terminal before the program starts.
func newCommon(g *globals, cfg config.Config) *ui.Common {
	name := g.tui.theme
	if name == "" || name == "auto" {
		name = cfg.Theme
	}
	noColor := g.tui.noColor || os.Getenv("NO_COLOR") != ""
	c := &ui.Common{Theme: themes.Pick(name, noColor, true), Glyphs: ui.UnicodeGlyphs, Timeout: time.Duration(cfg.Timeout)}
	if g.tui.ascii {
		c.Glyphs = ui.ASCIIGlyphs
	}
	return c
}

func (g *globals) tuiOptions(cfg config.Config) ui.Options {
	o := ui.Options{Env: g.tui.env, Refresh: g.tui.refresh, FullRefresh: time.Duration(cfg.FullRefresh)}
	if o.Refresh == 0 {
		o.Refresh = time.Duration(cfg.Refresh)
	}
	name := g.tui.theme
	if name == "" || name == "auto" {
		name = cfg.Theme
	}
	o.AutoTheme = name == "" || name == "auto"
	if g.debug != "" {
		o.Debug = g.debugLog
	}
	return o
}
