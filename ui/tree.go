package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// treeNode is one entry of a tree drawn as text: a label in a style, and its children.
type treeNode struct {
	Text     string
	Style    lipgloss.Style
	Children []*treeNode
	// Extra are segments drawn after the label (what marks it, who writes it), and Ref what
	// the node stands for (a table name); both optional.
	Extra []relCell
	Ref   any
}

// add appends a child and returns it.
func (n *treeNode) add(text string, style lipgloss.Style) *treeNode {
	c := &treeNode{Text: text, Style: style}
	n.Children = append(n.Children, c)
	return c
}

// treeLine is one drawn line of a tree: the branch characters before the label, and the node.
// Cont is what starts each further line when the label wraps: the pipes of the levels
// that go on below, and the node's own pipe down to its children, so a wrapped line stays
// inside the tree.
type treeLine struct {
	Prefix string
	Cont   string
	Node   *treeNode
}

// flattenTree lays roots out one node a line, depth first. Roots have no prefix; their
// descendants hang from branches drawn with the glyph set (├─ └─ │ or |- `- |), so the
// tree reads the same in ASCII mode.
func flattenTree(roots []*treeNode, g Glyphs) []treeLine {
	var out []treeLine
	blank := strings.Repeat(" ", Width(g.TreePipe))
	below := func(n *treeNode) string {
		if len(n.Children) > 0 {
			return g.TreePipe
		}
		return blank
	}
	var walk func(n *treeNode, indent string)
	walk = func(n *treeNode, indent string) {
		for i, c := range n.Children {
			last := i == len(n.Children)-1
			branch, next := g.TreeBranch, g.TreePipe
			if last {
				branch, next = g.TreeLast, blank
			}
			out = append(out, treeLine{Prefix: indent + branch, Cont: indent + next + below(c), Node: c})
			walk(c, indent+next)
		}
	}
	for _, r := range roots {
		out = append(out, treeLine{Cont: below(r), Node: r})
		walk(r, "")
	}
	return out
}
