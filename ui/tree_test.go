package ui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestFlattenTreeDrawsBranchesFromTheGlyphSet(t *testing.T) {
	st := lipgloss.NewStyle()
	a := &treeNode{Text: "a"}
	b := a.add("b", st)
	b.add("b1", st).add("b1x", st)
	b.add("b2", st)
	a.add("c", st).add("c1", st)
	r := &treeNode{Text: "r"}
	for _, c := range []struct {
		g    Glyphs
		want []string
	}{
		{UnicodeGlyphs, []string{
			"a", "├─ b", "│  ├─ b1", "│  │  └─ b1x", "│  └─ b2", "└─ c", "   └─ c1", "r",
		}},
		{ASCIIGlyphs, []string{
			"a", "|- b", "|  |- b1", "|  |  `- b1x", "|  `- b2", "`- c", "   `- c1", "r",
		}},
	} {
		var got []string
		for _, l := range flattenTree([]*treeNode{a, r}, c.g) {
			got = append(got, l.Prefix+l.Node.Text)
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}
