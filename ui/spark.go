package ui

import (
	"strings"
	"time"
)

// Sparkline draws durations as one glyph each, from the lowest level for the shortest to the
// highest for the longest, oldest on the left. Only the last width values are drawn; a flat
// series sits on the middle level. levels come from the glyph set (Glyphs.Spark), so ASCII
// mode draws with ASCII.
func Sparkline(ds []time.Duration, levels []string, width int) string {
	if width <= 0 || len(ds) == 0 || len(levels) == 0 {
		return ""
	}
	if len(ds) > width {
		ds = ds[len(ds)-width:]
	}
	lo, hi := ds[0], ds[0]
	for _, d := range ds {
		lo, hi = min(lo, d), max(hi, d)
	}
	top := len(levels) - 1
	var b strings.Builder
	for _, d := range ds {
		i := top / 2
		if hi > lo {
			// Round to the nearest level: (d-lo)/(hi-lo) of the way from the lowest to the top.
			i = int((int64(d-lo)*int64(2*top) + int64(hi-lo)) / (2 * int64(hi-lo)))
		}
		b.WriteString(levels[i])
	}
	return b.String()
}
