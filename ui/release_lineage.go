package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	domain "github.com/release-cockpit/cockpit/model"
)

// lineageTabData is what the Lineage tab shows: the lineage, and the checks and
// expectations that mark what in it is broken (their failure leaves the tree unmarked,
// and says so).
type lineageTabData struct {
	tables   []domain.LineageTable
	checks   []domain.Check
	exps     []domain.ExpectationDelta
	marksErr error
}

// fetchLineage reads the lineage, then the checks and expectations that mark it.
func fetchLineage(ctx context.Context, src Source, env string, d domain.Deployment) (lineageTabData, domain.Skipped, error) {
	ls, skipped, err := src.Lineage(ctx, env, d)
	if err != nil {
		return lineageTabData{}, skipped, err
	}
	data := lineageTabData{tables: ls}
	if data.checks, err = src.Checks(ctx, env, d); err != nil {
		data.marksErr = err
		return data, skipped, nil
	}
	// The marks read the expectations only to find regressed datasets; the Data quality tab
	// says what its own read left out.
	// Their live results missing leaves the warehouse's, which mark what they can.
	data.exps, _, err = src.Expectations(ctx, env, d)
	_, data.marksErr = splitLive(err)
	return data, skipped, nil
}

// lineageTable is the Lineage tab, a tree read top to bottom as data flows: the tables the
// release read, the release, the tables it wrote, and the consumers of those up to two
// hops, each consumer under the table it was reached from, with the blast radius (the
// number of distinct consumers) on top. Tables a failing check names or whose expectations
// regressed are marked with what was seen (model.MarkLineage) and come first in their part
// of the tree, with the tables above them (model.OrderLineage): what is broken reads
// before what could be. The cursor selects a table (y copies its name).
func lineageTable(c *Common, d domain.Deployment, data lineageTabData) *relTable {
	t, g := c.Theme, c.Glyphs
	marks := domain.MarkLineage(data.tables, data.checks, data.exps, domain.DefaultVerdictPolicy())
	ls := domain.OrderLineage(data.tables, marks)
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
	// table is a tree node for a table: the broken glyph and what was seen follow the name,
	// before anything else on the line, so a narrow terminal cuts the decoration first.
	table := func(parent *treeNode, name, rest string, style lipgloss.Style) *treeNode {
		n := parent.add(name, style)
		n.Ref = name
		if ks := marks.Of(name); len(ks) > 0 {
			n.Text, n.Style = g.Failing+" "+name, t.Failing
			n.Extra = append(n.Extra, relCell{"  " + markText(ks), t.Failing})
		}
		if rest != "" {
			n.Extra = append(n.Extra, relCell{rest, style})
		}
		return n
	}
	up := &treeNode{Text: fmt.Sprintf("upstream: %d table(s) read", len(upstream)), Style: t.Header}
	for _, u := range upstream {
		table(up, u, "", t.Base)
	}
	before := domain.LineageBeforeDeploy(ls)
	wrote := " (its jobs and pipelines) wrote"
	if before {
		wrote = " (its jobs and pipelines) wrote before the deploy"
	}
	rel := &treeNode{Text: g.Arrow + " " + d.Release.ID() + wrote, Style: t.Title}
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
	// A consumer is named by the table it writes (marked like any table), or says it only reads.
	consumer := func(parent *treeNode, name, tbl, also string) *treeNode {
		if tbl == "" {
			return parent.add(name+" (reads only)"+also, t.Muted)
		}
		return table(parent, tbl, "  by "+name+also, t.Base)
	}
	nodes := map[string]*treeNode{}
	for _, w := range written {
		nodes[w] = table(rel, w, "", t.Base)
	}
	for _, k := range order {
		parent := nodes[vias[k][0]]
		if parent == nil {
			parent = rel
		}
		also := ""
		if n := len(vias[k]) - 1; n > 0 {
			also = fmt.Sprintf(" (also reads %d more written table(s))", n)
		}
		n := consumer(parent, nameOf(k.consumer), k.table, also)
		for _, h := range hop2 {
			if k.table != "" && h.Via == k.table {
				consumer(n, nameOf(h.Consumer), h.Table, "")
			}
		}
	}
	tb := &relTable{Empty: "no lineage recorded for the runs and updates since the deploy", Cursor: true}
	// What the release wrote comes before what it read when only the former is broken: at
	// 80x24 the marked tables are then on the first screen.
	roots := []*treeNode{up, rel}
	if marks.Tables() > 0 && !anyMarked(upstream, marks) {
		roots = []*treeNode{rel, up}
	}
	for _, l := range flattenTree(roots, g) {
		span := append([]relCell{{l.Prefix, t.Border}, {l.Node.Text, l.Node.Style}}, l.Node.Extra...)
		tb.Rows = append(tb.Rows, relRow{Span: span, Cont: l.Cont, Ref: lineageRef(l.Node)})
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
	if before {
		// The system tables hold a window's lineage about an hour late: until then the
		// jobs' and pipelines' lineage from before the deploy stands in, and says so.
		tb.Notes[0] = append(tb.Notes[0], relCell{" before the deploy", t.Muted})
		tb.Notes = append(tb.Notes, []relCell{
			{g.Provisional + " lineage from the week before the deploy:", t.Warning},
			{" " + domain.WhyLineageBeforeDeploy(d.Health), t.Muted},
		})
	}
	switch {
	case data.marksErr != nil:
		tb.Notes = append(tb.Notes, []relCell{{"nothing marked: could not read the checks and expectations: " + data.marksErr.Error(), t.Warning}})
	case marks.Tables() > 0:
		tb.Notes = append(tb.Notes, []relCell{
			{fmt.Sprintf("%s %d table(s) broken", g.Failing, marks.Tables()), t.Failing},
			{" (failing checks, regressed expectations): marked and first", t.Muted},
		})
	}
	if len(marks.Unplaced) > 0 {
		names := make([]string, len(marks.Unplaced))
		for i, k := range marks.Unplaced {
			names[i] = k.Check
		}
		tb.Notes = append(tb.Notes, []relCell{
			{"also failing, naming no table here: ", t.Muted},
			{strings.Join(names, ", "), t.Failing},
			{" (2 Checks)", t.Muted},
		})
	}
	return tb
}

// lineageRef is what a tree line stands for: the table it names (y copies it), or nil.
func lineageRef(n *treeNode) any {
	if s, ok := n.Ref.(string); ok && s != "" {
		return lineageTableRef(s)
	}
	return nil
}

// lineageTableRef is a table of the Lineage tab under the cursor.
type lineageTableRef string

// markText says what points at a table: "-64% rows (row_count_drift)", "valid_client_id
// 18.6% failed, was 0.2%".
func markText(ks []domain.TableMark) string {
	parts := make([]string, 0, len(ks))
	for _, k := range ks {
		if k.Check != "" {
			parts = append(parts, k.Observation+" ("+k.Check+")")
			continue
		}
		p := k.Expectation + " " + percent(k.Ratio) + " failed"
		if k.BaselineRatio >= 0 {
			p += ", was " + percent(k.BaselineRatio)
		} else {
			p += ", new"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// anyMarked reports whether any of the tables is marked.
func anyMarked(tables []string, m domain.LineageMarks) bool {
	for _, t := range tables {
		if m.Broken(t) {
			return true
		}
	}
	return false
}
