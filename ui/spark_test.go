package ui

import (
	"testing"
	"time"
)

func TestSparkline(t *testing.T) {
	s := time.Second
	ascii := ASCIIGlyphs.Spark // _ . - = * #
	for _, c := range []struct {
		name   string
		ds     []time.Duration
		levels []string
		width  int
		want   string
	}{
		{"empty", nil, UnicodeGlyphs.Spark, 10, ""},
		{"no width", []time.Duration{s}, UnicodeGlyphs.Spark, 0, ""},
		{"no levels", []time.Duration{s}, nil, 10, ""},
		{"one value sits in the middle", []time.Duration{s}, UnicodeGlyphs.Spark, 10, "▄"},
		{"flat sits in the middle", []time.Duration{s, s, s}, ascii, 10, "---"},
		{"lowest to highest", []time.Duration{1 * s, 2 * s, 3 * s}, UnicodeGlyphs.Spark, 10, "▁▅█"},
		{"ascii levels", []time.Duration{0, 20 * s, 40 * s, 60 * s, 80 * s, 100 * s}, ascii, 10, "_.-=*#"},
		{"rounds to the nearest level", []time.Duration{0, 49 * s, 51 * s, 100 * s}, []string{"a", "b", "c"}, 10, "abbc"},
		{"keeps the newest values", []time.Duration{100 * s, 1 * s, 2 * s, 3 * s}, UnicodeGlyphs.Spark, 3, "▁▅█"},
	} {
		if got := Sparkline(c.ds, c.levels, c.width); got != c.want {
			t.Errorf("%s: Sparkline(%v) = %q, want %q", c.name, c.ds, got, c.want)
		}
	}
}
