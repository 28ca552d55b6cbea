package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Clean makes a string from the workspace safe to draw: escape sequences (CSI, OSC, DCS,
// ...) are removed whole, other C0 and C1 controls and DEL are dropped, tabs and line breaks
// become spaces, bidirectional overrides (which can make text read other than it is) are
// dropped, and invalid UTF-8 becomes U+FFFD. Job names, run messages and user names all
// pass through here before they reach the terminal.
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = ansi.Strip(sevenBit(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sevenBit rewrites each C1 control (U+0080..U+009F, which a terminal reads as an 8-bit
// escape: U+009B is CSI, U+009D OSC, U+0090 DCS) as its 7-bit form (ESC and the byte 0x40
// lower), so that ansi.Strip, which reads bytes, removes the whole sequence: "\u009b31m" goes
// as a whole, not only its control, leaving "31m".
func sevenBit(s string) string {
	if !strings.Contains(s, "\xc2") { // every C1 control is 0xC2 0x80..0x9F in UTF-8
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if r >= 0x80 && r < 0xa0 {
			b.WriteByte(0x1b)
			b.WriteByte(byte(r - 0x40))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII only.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// Fit cleans s and cuts it to at most width terminal cells, ending in "…" when cut.
func Fit(s string, width int) string { return FitWith(s, width, "…") }

// FitWith is Fit with another ellipsis (ASCII mode passes "...").
func FitWith(s string, width int, ellipsis string) string {
	if width <= 0 {
		return ""
	}
	s = Clean(s)
	if ansi.StringWidth(s) <= width {
		return s
	}
	if ansi.StringWidth(ellipsis) >= width {
		ellipsis = ""
	}
	return ansi.Truncate(s, width, ellipsis)
}

// Width is the number of terminal cells s takes.
func Width(s string) int { return ansi.StringWidth(s) }
