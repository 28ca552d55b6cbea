package model

import (
	"regexp"
	"sort"
	"strings"
)

// BlastRadius counts the distinct consumers among a deployment's downstream lineage: the
// jobs, pipelines, queries and dashboards its written tables reach within two hops.
func BlastRadius(ts []LineageTable) int {
	seen := map[string]bool{}
	for _, t := range ts {
		if t.Direction == LineageDownstream && t.Consumer != "" {
			seen[t.Consumer] = true
		}
	}
	return len(seen)
}

// LineageBeforeDeploy reports whether a deployment's lineage is its jobs' and pipelines'
// from before the deploy, standing in while the system tables hold none of its window's
// (LineageTable.BeforeDeploy).
func LineageBeforeDeploy(ts []LineageTable) bool {
	for _, t := range ts {
		if t.BeforeDeploy {
			return true
		}
	}
	return false
}

// WhyLineageBeforeDeploy says why a deployment's lineage is its jobs' and pipelines' from
// before the deploy, from what its health counts: nothing of theirs has run in its window,
// or what ran is not in the system tables yet (they hold lineage about an hour late).
func WhyLineageBeforeDeploy(h Health) string {
	if h.Started() == 0 {
		return "nothing of its jobs and pipelines has run since"
	}
	return "the system tables hold the runs since about an hour late"
}

// TableMark says why a table of a deployment's lineage is known to be broken: a failing
// check that names it (row-count drift, freshness, ...) or an expectation on it that
// regressed against the previous deployment.
type TableMark struct {
	Table string
	// Check is the failing check's name; Observation what it saw, with the table's name
	// cut out ("-64% rows"). Both empty for an expectation.
	Check, Observation string
	// Expectation is the regressed expectation's name, Ratio its failure ratio now and
	// BaselineRatio the previous deployment's (negative: none). Empty for a check.
	Expectation          string
	Ratio, BaselineRatio float64
}

// LineageMarks are the marks of a deployment's lineage, by table.
type LineageMarks struct {
	byTable map[string][]TableMark
	// Unplaced are the failing checks that name no table of the lineage (a check that
	// says "-58% rows" of no table in particular, or of a table the lineage lacks): they
	// are said apart rather than pinned on a guess.
	Unplaced []TableMark
}

// Of is the marks of a table, checks first; none for a table nothing points at.
func (m LineageMarks) Of(table string) []TableMark { return m.byTable[strings.ToLower(table)] }

// Broken reports whether anything points at the table.
func (m LineageMarks) Broken(table string) bool { return len(m.Of(table)) > 0 }

// Tables is how many tables are marked.
func (m LineageMarks) Tables() int { return len(m.byTable) }

// tableName finds three-part table names (catalog.schema.table) in free text.
var tableName = regexp.MustCompile("`?[A-Za-z0-9_][A-Za-z0-9_-]*`?\\.`?[A-Za-z0-9_][A-Za-z0-9_-]*`?\\.`?[A-Za-z0-9_][A-Za-z0-9_-]*`?")

// MarkLineage points at what is broken in a lineage: the latest report of each check that
// failed (with data) and names a table of the lineage in its observation marks that table;
// an expectation that regressed (at least p.RegressionFactor times the previous
// deployment's ratio and at or above p.DegradedRatio, as the Data quality tab ranks it)
// marks its dataset when the dataset is in the lineage. Names compare without case.
func MarkLineage(ls []LineageTable, checks []Check, exps []ExpectationDelta, p VerdictPolicy) LineageMarks {
	known := map[string]bool{}
	for _, l := range ls {
		if l.Table != "" {
			known[strings.ToLower(l.Table)] = true
		}
	}
	m := LineageMarks{byTable: map[string][]TableMark{}}
	add := func(k TableMark) {
		key := strings.ToLower(k.Table)
		m.byTable[key] = append(m.byTable[key], k)
	}
	for _, c := range latestChecks(checks) {
		if c.Outcome != OutcomeFail || c.NoData {
			continue
		}
		placed := false
		for _, name := range tableName.FindAllString(c.Observed, -1) {
			table := strings.ReplaceAll(name, "`", "")
			if !known[strings.ToLower(table)] {
				continue
			}
			add(TableMark{Table: table, Check: c.Name, Observation: withoutTable(c.Observed, name)})
			placed = true
		}
		if !placed {
			m.Unplaced = append(m.Unplaced, TableMark{Check: c.Name, Observation: c.Observed})
		}
	}
	for _, e := range exps {
		if !known[strings.ToLower(e.Dataset)] || !e.Regressed(p.RegressionFactor) || e.FailureRatio() < p.DegradedRatio {
			continue
		}
		add(TableMark{Table: e.Dataset, Expectation: e.Expectation, Ratio: e.FailureRatio(), BaselineRatio: e.BaselineRatio})
	}
	for _, ks := range m.byTable {
		sort.SliceStable(ks, func(i, j int) bool {
			if (ks[i].Check != "") != (ks[j].Check != "") {
				return ks[i].Check != ""
			}
			return ks[i].Ratio > ks[j].Ratio
		})
	}
	return m
}

// withoutTable cuts a table's name, and the word that ties it on ("in", "of", "on", "for"),
// out of an observation: "-64% rows in ecommerce.gold.daily_revenue" is "-64% rows".
func withoutTable(observed, name string) string {
	i := strings.Index(observed, name)
	before, after := strings.TrimRight(observed[:i], " "), strings.TrimLeft(observed[i+len(name):], " ")
	for _, w := range []string{" in", " of", " on", " for", ":"} {
		if strings.HasSuffix(before, w) {
			before = strings.TrimRight(strings.TrimSuffix(before, w), " ")
			break
		}
	}
	out := strings.TrimSpace(strings.TrimSpace(before) + " " + after)
	if out == "" {
		return observed
	}
	return out
}

// OrderLineage orders a lineage so that what is broken reads first: within each part
// (upstream, written, each hop of consumers), marked tables come first, then tables with
// a marked consumer below them (a written table whose reader's table lost rows), then the
// rest, each group in its original order.
func OrderLineage(ls []LineageTable, m LineageMarks) []LineageTable {
	below := map[string]bool{} // tables with a marked consumer downstream of them
	for _, l := range ls {
		if l.Direction == LineageDownstream && m.Broken(l.Table) && l.Via != "" {
			below[strings.ToLower(l.Via)] = true
		}
	}
	// A hop-2 consumer's via is a hop-1 table; that table's own via (a written table) is
	// also above the broken one.
	for _, l := range ls {
		if l.Direction == LineageDownstream && l.Hops == 1 && below[strings.ToLower(l.Table)] && l.Via != "" {
			below[strings.ToLower(l.Via)] = true
		}
	}
	rank := func(l LineageTable) int {
		switch {
		case m.Broken(l.Table):
			return 0
		case below[strings.ToLower(l.Table)]:
			return 1
		}
		return 2
	}
	out := append([]LineageTable(nil), ls...)
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}
