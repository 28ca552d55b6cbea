package ui

import (
	"fmt"

	"charm.land/lipgloss/v2"

	domain "github.com/release-cockpit/cockpit/model"
)

// lineageTable is the Lineage tab, a tree read top to bottom as data flows: the tables the
// release read, the release, the tables it wrote, and the consumers of those up to two
// hops, each consumer under the table it was reached from, with the blast radius (the
// number of distinct consumers) on top.
func lineageTable(c *Common, d domain.Deployment, ls []domain.LineageTable) *relTable {
	t, g := c.Theme, c.Glyphs
	var upstream, written []string
	var hop1, hop2 []domain.LineageTable
	for _, l := range ls {
		switch {
		case l.Direction == domain.LineageUpstream:
			upstream = append(upstream, l.Table)
		case l.Direction == domain.LineageWritten:
			written = append(written, l.Table)
		case l.Direction == domain.LineageDownstream && l.Hops == 1:
			hop1 = append(hop1, l)
		case l.Direction == domain.LineageDownstream:
			hop2 = append(hop2, l)
		}
	}
	radius := domain.BlastRadius(ls)

	up := &treeNode{Text: fmt.Sprintf("upstream: %d table(s) read", len(upstream)), Style: t.Header}
	for _, u := range upstream {
		up.add(u, t.Base)
	}
	rel := &treeNode{Text: g.Arrow + " " + d.Release.ID() + " (its jobs and pipelines) wrote", Style: t.Title}
	// Each written table carries the hop-1 consumers that read it; a consumer reached from
	// several written tables hangs under the first, with the others named. Hop 2 hangs under
	// every hop-1 node whose table it reads.
	type consumerKey struct{ consumer, table string }
	vias := map[consumerKey][]string{}
	var order []consumerKey
	// People read job and pipeline names; the id stands in where the name is unknown.
	names := map[string]string{}
	for _, h := range append(append([]domain.LineageTable(nil), hop1...), hop2...) {
		if h.ConsumerName != "" {
			names[h.Consumer] = h.ConsumerName
		}
	}
	nameOf := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	for _, h := range hop1 {
		k := consumerKey{h.Consumer, h.Table}
		if _, ok := vias[k]; !ok {
			order = append(order, k)
		}
		vias[k] = append(vias[k], h.Via)
	}
	nodes := map[string]*treeNode{}
	for _, w := range written {
		nodes[w] = rel.add(w, t.Base)
	}
	for _, k := range order {
		parent := nodes[vias[k][0]]
		if parent == nil {
			parent = rel
		}
		label := consumerLabel(nameOf(k.consumer), k.table)
		if n := len(vias[k]) - 1; n > 0 {
			label += fmt.Sprintf(" (also reads %d more written table(s))", n)
		}
		n := parent.add(label, downstreamStyle(c, k.table))
		for _, h := range hop2 {
			if k.table != "" && h.Via == k.table {
				n.add(consumerLabel(nameOf(h.Consumer), h.Table), downstreamStyle(c, h.Table))
			}
		}
	}
	tb := &relTable{Empty: "no lineage recorded for the runs and updates since the deploy"}
	for _, l := range flattenTree([]*treeNode{up, rel}, g) {
		tb.Rows = append(tb.Rows, relRow{Span: []relCell{{l.Prefix, t.Border}, {l.Node.Text, l.Node.Style}}})
	}
	if len(upstream)+len(written)+len(hop1)+len(hop2) == 0 {
		tb.Rows = nil
	}
	style := t.Base
	if radius > 0 {
		style = t.Warning
	}
	tb.Notes = [][]relCell{{
		{fmt.Sprintf("blast radius: %d consumer(s)", radius), style},
		{fmt.Sprintf(" within two hops of the %d table(s) written", len(written)), t.Muted},
	}}
	return tb
}

// consumerLabel names a downstream consumer by the table it writes, or says it only reads.
func consumerLabel(consumer, table string) string {
	if table == "" {
		return consumer + " (reads only)"
	}
	return table + "  by " + consumer
}

func downstreamStyle(c *Common, table string) lipgloss.Style {
	if table == "" {
		return c.Theme.Muted
	}
	return c.Theme.Base
}
