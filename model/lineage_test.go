package model

import (
	"reflect"
	"testing"
	"time"
)

func TestMarkLineagePointsAtTheTablesAFailingCheckOrARegressedExpectationNames(t *testing.T) {
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	ls := []LineageTable{
		{Table: "ecommerce.bronze.raw_orders", Direction: LineageUpstream},
		{Table: "ecommerce.silver.orders_clean", Direction: LineageWritten},
		{Table: "ecommerce.silver.orders_summary", Direction: LineageWritten},
		{Table: "ecommerce.gold.daily_revenue", Direction: LineageDownstream, Hops: 1, Via: "ecommerce.silver.orders_clean", Consumer: "p1"},
	}
	exp := func(ds, name string, passed, failed int64, base float64) ExpectationDelta {
		return ExpectationDelta{ExpectationResult: ExpectationResult{Dataset: ds, Expectation: name, PassedRecords: passed, FailedRecords: failed}, BaselineRatio: base}
	}
	p := DefaultVerdictPolicy()
	cases := []struct {
		name     string
		checks   []Check
		exps     []ExpectationDelta
		want     map[string][]TableMark
		unplaced []TableMark
	}{
		{
			name:   "a failing row-count check marks the table it names, without the name in the observation",
			checks: []Check{{Name: "row_count_drift", Outcome: OutcomeFail, Observed: "-64% rows in ecommerce.gold.daily_revenue", At: at}},
			want: map[string][]TableMark{"ecommerce.gold.daily_revenue": {
				{Table: "ecommerce.gold.daily_revenue", Check: "row_count_drift", Observation: "-64% rows"}}},
		},
		{
			name:   "names compare without case and backticks",
			checks: []Check{{Name: "freshness", Outcome: OutcomeFail, Observed: "`Ecommerce`.`Gold`.`Daily_Revenue` written 5h ago", At: at}},
			want: map[string][]TableMark{"ecommerce.gold.daily_revenue": {
				{Table: "Ecommerce.Gold.Daily_Revenue", Check: "freshness", Observation: "written 5h ago"}}},
		},
		{
			name: "a later pass replaces the failure",
			checks: []Check{
				{Name: "row_count_drift", Outcome: OutcomeFail, Observed: "-64% rows in ecommerce.gold.daily_revenue", At: at},
				{Name: "row_count_drift", Outcome: OutcomePass, Observed: "-2% rows in ecommerce.gold.daily_revenue", At: at.Add(time.Minute)},
			},
			want: map[string][]TableMark{},
		},
		{
			name:   "a check without data or passing marks nothing",
			checks: []Check{{Name: "freshness", Outcome: OutcomeFail, NoData: true, Observed: "ecommerce.silver.orders_clean", At: at}, {Name: "sla", Outcome: OutcomePass, Observed: "ecommerce.silver.orders_clean"}},
			want:   map[string][]TableMark{},
		},
		{
			name:     "a failing check that names no table of the lineage is unplaced, not guessed",
			checks:   []Check{{Name: "row_count_drift", Outcome: OutcomeFail, Observed: "-58% rows", At: at}, {Name: "freshness", Outcome: OutcomeFail, Observed: "other.gold.t written 9h ago", At: at}},
			want:     map[string][]TableMark{},
			unplaced: []TableMark{{Check: "row_count_drift", Observation: "-58% rows"}, {Check: "freshness", Observation: "other.gold.t written 9h ago"}},
		},
		{
			name: "a regressed expectation marks its dataset; a steady or a small one does not",
			exps: []ExpectationDelta{
				exp("ecommerce.silver.orders_clean", "valid_client_id", 814, 186, 0.002),
				exp("ecommerce.silver.orders_clean", "valid_status", 999, 1, 0.001),     // 0.1%: under the degraded ratio
				exp("ecommerce.silver.orders_summary", "not_null", 900, 100, 0.09),      // steady at 10%
				exp("ecommerce.silver.not_in_lineage", "valid_client_id", 500, 500, -1), // not in the lineage
			},
			want: map[string][]TableMark{"ecommerce.silver.orders_clean": {
				{Table: "ecommerce.silver.orders_clean", Expectation: "valid_client_id", Ratio: 0.186, BaselineRatio: 0.002}}},
		},
		{
			name:   "checks come before expectations on the same table",
			checks: []Check{{Name: "row_count_drift", Outcome: OutcomeFail, Observed: "-40% rows of ecommerce.silver.orders_clean", At: at}},
			exps:   []ExpectationDelta{exp("ecommerce.silver.orders_clean", "valid_client_id", 814, 186, -1)},
			want: map[string][]TableMark{"ecommerce.silver.orders_clean": {
				{Table: "ecommerce.silver.orders_clean", Check: "row_count_drift", Observation: "-40% rows"},
				{Table: "ecommerce.silver.orders_clean", Expectation: "valid_client_id", Ratio: 0.186, BaselineRatio: -1}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := MarkLineage(ls, tc.checks, tc.exps, p)
			if !reflect.DeepEqual(m.byTable, tc.want) {
				t.Errorf("marks:\n got %+v\nwant %+v", m.byTable, tc.want)
			}
			if !reflect.DeepEqual(m.Unplaced, tc.unplaced) {
				t.Errorf("unplaced:\n got %+v\nwant %+v", m.Unplaced, tc.unplaced)
			}
		})
	}
}

func TestOrderLineagePutsWhatIsBrokenBeforeWhatCouldBe(t *testing.T) {
	w1 := LineageTable{Table: "s.w1", Direction: LineageWritten}
	w2 := LineageTable{Table: "s.w2", Direction: LineageWritten}
	w3 := LineageTable{Table: "s.w3", Direction: LineageWritten}
	h1a := LineageTable{Table: "g.a", Direction: LineageDownstream, Hops: 1, Via: "s.w1", Consumer: "c1"}
	h1b := LineageTable{Table: "g.b", Direction: LineageDownstream, Hops: 1, Via: "s.w2", Consumer: "c2"}
	h2 := LineageTable{Table: "g.c", Direction: LineageDownstream, Hops: 2, Via: "g.a", Consumer: "c3"}
	up := LineageTable{Table: "b.raw", Direction: LineageUpstream}
	ls := []LineageTable{up, w1, w2, w3, h1a, h1b, h2}
	marks := func(tables ...string) LineageMarks {
		m := LineageMarks{byTable: map[string][]TableMark{}}
		for _, t := range tables {
			m.byTable[t] = []TableMark{{Table: t, Check: "x"}}
		}
		return m
	}
	cases := []struct {
		name   string
		broken []string
		want   []LineageTable
	}{
		{"nothing marked keeps the order", nil, ls},
		{"a marked written table comes first", []string{"s.w3"}, []LineageTable{w3, up, w1, w2, h1a, h1b, h2}},
		{"a marked consumer comes first, and the table it reads before the others", []string{"g.b"}, []LineageTable{h1b, w2, up, w1, w3, h1a, h2}},
		{"a marked hop-2 consumer lifts its hop-1 table and that table's written table", []string{"g.c"}, []LineageTable{h2, w1, h1a, up, w2, w3, h1b}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := OrderLineage(ls, marks(tc.broken...))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("order:\n got %v\nwant %v", tables(got), tables(tc.want))
			}
		})
	}
}

func tables(ls []LineageTable) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Table)
	}
	return out
}

func TestLineageBeforeDeployIsSaidOfTheWholeLineageByAnyRow(t *testing.T) {
	cases := []struct {
		name string
		ts   []LineageTable
		want bool
	}{
		{"none", nil, false},
		{"the window's", []LineageTable{{Table: "a", Direction: LineageWritten}, {Table: "b", Direction: LineageUpstream}}, false},
		{"from before the deploy", []LineageTable{{Table: "a", Direction: LineageWritten, BeforeDeploy: true}, {Table: "b", Direction: LineageDownstream, Hops: 1, Consumer: "1", BeforeDeploy: true}}, true},
	}
	for _, c := range cases {
		if got := LineageBeforeDeploy(c.ts); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestWhyLineageBeforeDeploySaysWhetherAnythingRan(t *testing.T) {
	cases := []struct {
		name string
		h    Health
		want string
	}{
		{"nothing ran in the window", Health{}, "nothing of its jobs and pipelines has run since"},
		{"a run failed: the tables are late", Health{RunsFailed: 1}, "the system tables hold the runs since about an hour late"},
		{"a run running", Health{RunsActive: 1}, "the system tables hold the runs since about an hour late"},
	}
	for _, c := range cases {
		if got := WhyLineageBeforeDeploy(c.h); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
