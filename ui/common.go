package ui

import (
	"time"

	"github.com/release-cockpit/cockpit/themes"
)

// Common is what every screen shares (soft-serve's pattern): the theme, the glyph set, the
// data source and the clock. Screens keep a pointer; the root owns it.
type Common struct {
	Theme  *themes.Theme
	Glyphs Glyphs
	Source Source
	// Now is the data's clock (the simulation's may be frozen): ages are measured against it.
	Now func() time.Time
	// Timeout bounds every load a screen starts.
	Timeout time.Duration
	// Actions, when set, enables the action keys (promote, roll back, approve, pin, veto);
	// nil shows none.
	Actions ActionSource
}

// Glyphs are the characters that carry meaning; ASCII mode (--ascii) swaps them all.
type Glyphs struct {
	Healthy, Degraded, Failing, Unknown string
	Provisional                         string
	Cursor                              string
	TreeBranch, TreeLast, TreePipe      string
	Arrow                               string
	Ellipsis                            string
	Rule                                string
	Crumb                               string   // between breadcrumb parts
	Dot                                 string   // between status-bar and header items
	Spark                               []string // sparkline levels, low to high
}

// UnicodeGlyphs are the default.
var UnicodeGlyphs = Glyphs{
	Healthy: "✓", Degraded: "!", Failing: "✗", Unknown: "?", Provisional: "~", Cursor: "▌",
	TreeBranch: "├─ ", TreeLast: "└─ ", TreePipe: "│  ", Arrow: "→", Ellipsis: "…", Rule: "─",
	Crumb: " › ", Dot: " · ",
	Spark: []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"},
}

// ASCIIGlyphs replace every box and glyph character for terminals and fonts without them.
var ASCIIGlyphs = Glyphs{
	Healthy: "+", Degraded: "!", Failing: "x", Unknown: "?", Provisional: "~", Cursor: ">",
	TreeBranch: "|- ", TreeLast: "`- ", TreePipe: "|  ", Arrow: "->", Ellipsis: "...", Rule: "-",
	Crumb: " > ", Dot: " - ",
	Spark: []string{"_", ".", "-", "=", "*", "#"},
}
