package ui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/themes"
)

// In ASCII mode (--ascii) the home draws only ASCII: terminals and fonts on old bastions
// lack box-drawing and glyph characters.
func TestASCIIModeDrawsOnlyASCII(t *testing.T) {
	c := rootCommon(t, themes.Mono())
	c.Glyphs = ASCIIGlyphs
	for _, size := range sizes {
		m := startRoot(t, c, rootOptions(), size.w, size.h)
		assertASCII(t, "home", size.w, size.h, rootFrame(m))
		sendKeys(t, m, "?")
		assertASCII(t, "help", size.w, size.h, rootFrame(m))
		sendKeys(t, m, "esc", ":")
		assertASCII(t, "command line", size.w, size.h, rootFrame(m))
	}
}

func assertASCII(t *testing.T, what string, w, h int, frame string) {
	t.Helper()
	frame = ansi.Strip(frame)
	for i, r := range frame {
		if r > 0x7e || (r < 0x20 && r != '\n') {
			t.Fatalf("%s at %dx%d: non-ASCII %q at byte %d:\n%s", what, w, h, r, i, frame)
		}
	}
}
