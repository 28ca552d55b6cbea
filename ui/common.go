package ui

import (
	"context"
	"time"

	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// Common is what every screen shares (soft-serve's pattern): the theme, the glyph set, the
// data source, the program's context and the clock. Screens keep a pointer; the root owns it.
type Common struct {
	Theme  *themes.Theme
	Glyphs Glyphs
	Source Source
	// Now is the data's clock (the simulation's may be frozen): ages are measured against it.
	// It is read in commands and by the root's clock tick, never in Update or View: those
	// use Time, the reading the last tick delivered.
	Now func() time.Time
	// Timeout bounds every load a screen starts.
	Timeout time.Duration
	// Actions, when set, enables the action keys (promote, roll back, approve, pin, veto);
	// nil shows none.
	Actions ActionSource
	// Ctx is the program's context: every load runs under it, and quitting cancels it.
	// New sets it (from Run's context); nil means context.Background().
	Ctx context.Context

	// at is the last clock reading, set by the root from clockTicked messages.
	at clockReading
	// judged is the home's deployment of an environment by id, once its health was read
	// (home_early.go); nil without a home.
	judged func(env, id string) (model.AssessedDeployment, bool)
}

// clockReading is the data's clock and the wall clock at one instant.
type clockReading struct{ data, wall time.Time }

// Time is the data's clock as of the last tick: what Update and View measure ages against.
// A Common used without a root (a screen in a test) reads Now.
func (c *Common) Time() time.Time {
	if c.at.data.IsZero() && c.Now != nil {
		return c.Now()
	}
	return c.at.data
}

// context is the program's context, or Background when none was set.
func (c *Common) context() context.Context {
	if c.Ctx == nil {
		return context.Background()
	}
	return c.Ctx
}

// Glyphs are the characters that carry meaning; ASCII mode (--ascii) swaps them all.
type Glyphs struct {
	Healthy, Degraded, Failing, Unknown string
	Provisional                         string
	Cursor                              string
	TreeBranch, TreeLast, TreePipe      string
	Arrow                               string
	SortUp, SortDown                    string // after the title of the column a table is sorted by
	Ellipsis                            string
	Rule                                string
	Crumb                               string   // between breadcrumb parts
	Dot                                 string   // between status-bar and header items
	Spark                               []string // sparkline levels, low to high
}

// UnicodeGlyphs are the default.
var UnicodeGlyphs = Glyphs{
	Healthy: "✓", Degraded: "!", Failing: "✗", Unknown: "?", Provisional: "~", Cursor: "▌",
	TreeBranch: "├─ ", TreeLast: "└─ ", TreePipe: "│  ", Arrow: "→", SortUp: "↑", SortDown: "↓", Ellipsis: "…", Rule: "─",
	Crumb: " › ", Dot: " · ",
	Spark: []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"},
}

// ASCIIGlyphs replace every box and glyph character for terminals and fonts without them.
var ASCIIGlyphs = Glyphs{
	Healthy: "+", Degraded: "!", Failing: "x", Unknown: "?", Provisional: "~", Cursor: ">",
	TreeBranch: "|- ", TreeLast: "`- ", TreePipe: "|  ", Arrow: "->", SortUp: "^", SortDown: "v", Ellipsis: "...", Rule: "-",
	Crumb: " > ", Dot: " - ",
	Spark: []string{"_", ".", "-", "=", "*", "#"},
}
