package ui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanRemovesWhatCouldDriveTheTerminal(t *testing.T) {
	cases := []struct{ in, want string }{
		{"orders_dlt", "orders_dlt"},
		{"\x1b[31mred\x1b[0m job", "red job"},
		{"title\x1b]0;pwned\x07 here", "title here"},
		{"link \x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "link click"},
		{"bell\x07 and nul\x00", "bell and nul"},
		{"c1 \u009b31m csi", "c1  csi"},
		{"c1 \u009d0;title\u009c osc", "c1  osc"},
		{"c1 \u009d52;c;ZXZpbA==\a osc52", "c1  osc52"},
		{"nel\u0085line", "nelline"},
		{"multi\nline\ttab", "multi line tab"},
		{"admin\u202Egnp.exe", "admingnp.exe"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"ünïcødé ✓ 表", "ünïcødé ✓ 表"},
	}
	for _, c := range cases {
		if got := Clean(c.in); got != c.want {
			t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFitCutsToWidthInCells(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"ecommerce_orders", 20, "ecommerce_orders"},
		{"ecommerce_orders", 10, "ecommerce…"},
		{"表表表表", 5, "表表…"},
		{"x", 0, ""},
	}
	for _, c := range cases {
		if got := Fit(c.in, c.width); got != c.want || Width(got) > c.width {
			t.Errorf("Fit(%q, %d) = %q (width %d), want %q", c.in, c.width, got, Width(got), c.want)
		}
	}
}

// FuzzClean: nothing the sanitizer returns contains ESC or another C0/C1 control, Fit
// never returns more cells than it was given, and an escape sequence introduced by an 8-bit
// C1 control (U+009B CSI, U+009D OSC, U+0090 DCS) is removed exactly like its 7-bit form
// (ESC [, ESC ], ESC P): whole, its parameters included.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J\x1b[H", "\x1b]52;c;ZXZpbA==\x07", "\u009d0;t\u009c", "\xc2\x9b", "表\x1b", "a\u202eb"} {
		f.Add(s, 10)
	}
	f.Add("\u009b31mred", 3)
	f.Add("x\u009b1;2;3Hy\u009d8;;http://e\u009cz", 5)
	f.Fuzz(func(t *testing.T, s string, width int) {
		out := Clean(s)
		sevenBit := strings.NewReplacer("\u009b", "\x1b[", "\u009d", "\x1b]", "\u0090", "\x1bP", "\u009c", "\x1b\\").Replace(s)
		if want := Clean(sevenBit); out != want {
			t.Fatalf("Clean(%q) = %q, but its 7-bit form %q cleans to %q", s, out, sevenBit, want)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Clean(%q) returned invalid UTF-8 %q", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("Clean(%q) = %q keeps control %U", s, out, r)
			}
		}
		if width > 400 || width < -10 {
			width %= 400
		}
		fit := Fit(s, width)
		if w := Width(fit); w > max(width, 0) {
			t.Fatalf("Fit(%q, %d) = %q is %d cells wide", s, width, fit, w)
		}
		for _, r := range fit {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("Fit(%q) = %q keeps control %U", s, fit, r)
			}
		}
	})
}
