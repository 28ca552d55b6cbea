package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// syntheticDeployments are n made-up deployments, a tenth of them failing.
func syntheticDeployments(n int) []source.Deployment {
	out := make([]source.Deployment, n)
	verdicts := []model.Verdict{model.VerdictHealthy, model.VerdictDegraded, model.VerdictUnknown, model.VerdictFailing}
	for i := range out {
		d := &out[i]
		d.ID = fmt.Sprintf("dep-%06d", i)
		d.Release = model.Release{Bundle: fmt.Sprintf("bundle_%02d", i%40), Version: fmt.Sprintf("2026.1122.%d", i%30), GitSHA: fmt.Sprintf("%040x", i*7919)}
		d.Environment = "prod"
		d.DeployedAt = testNow.Add(-time.Duration(i) * time.Minute)
		d.DeployedBy = []string{"marco.bianchi@example.com", "lena.fischer@example.com", "dana.okafor@example.com"}[i%3]
		d.Health = model.Health{RunsSucceeded: i % 9, RunsFailed: i % 2, RecordsPassed: 1000, RecordsFailed: int64(i % 70)}
		d.Checks = model.CheckCounts{Pass: 5, Fail: i % 2}
		d.Verdict = verdicts[i%4]
		if i%10 == 0 {
			d.Tags = []string{model.TagCurrent}
		}
	}
	return out
}

func rowsOf(ds []source.Deployment) []*Row {
	rows := make([]*Row, len(ds))
	for i := range ds {
		rows[i] = deploymentRow(UnicodeGlyphs, &ds[i], testNow)
	}
	return rows
}

func newTestTable(n, w, h int) *Table {
	c := &Common{Theme: themes.Dark(), Glyphs: UnicodeGlyphs, Now: func() time.Time { return testNow }}
	t := NewTable(c, deploymentColumns())
	t.SetSize(w, h)
	t.SetRows(rowsOf(syntheticDeployments(n)))
	return t
}

func TestTableDropsColumnsInOrderAsTheTerminalNarrows(t *testing.T) {
	tests := []struct {
		width int
		want  string
	}{
		{200, "STATUS BUNDLE VERSION SHA AGE BY RUNS CHECKS EXP TAGS"},
		{120, "STATUS BUNDLE VERSION SHA AGE BY RUNS CHECKS EXP TAGS"},
		{100, "STATUS BUNDLE VERSION AGE BY RUNS CHECKS EXP TAGS"},
		{90, "STATUS BUNDLE VERSION SHA AGE RUNS CHECKS EXP TAGS"},
		{80, "STATUS BUNDLE VERSION AGE RUNS CHECKS EXP TAGS"},
		{60, "STATUS BUNDLE VERSION AGE TAGS"},
	}
	for _, tt := range tests {
		tb := newTestTable(10, tt.width, 5)
		header := strings.Split(ansi.Strip(tb.View()), "\n")[0]
		if got := strings.Join(strings.Fields(header), " "); got != tt.want {
			t.Errorf("at %d columns the header is %q, want %q\n%s", tt.width, got, tt.want, ansi.Strip(tb.View()))
		}
	}
}

func TestOurTableDrawsExactlyItsArea(t *testing.T) {
	for _, w := range []int{30, 60, 80, 120, 200} {
		for _, n := range []int{0, 3, 100} {
			tb := newTestTable(n, w, 12)
			tb.SetEmpty("nothing here, and a longer explanation that has to wrap over more than one line")
			lines := strings.Split(tb.View(), "\n")
			if len(lines) != 12 {
				t.Fatalf("%d rows at %d: %d lines", n, w, len(lines))
			}
			for i, l := range lines {
				if got := ansi.StringWidth(l); got != w {
					t.Fatalf("%d rows at %d: line %d is %d wide: %q", n, w, i, got, ansi.Strip(l))
				}
			}
		}
	}
}

func TestTableRendersOnlyVisibleRowsAndReusesThem(t *testing.T) {
	tb := newTestTable(1000, 120, 21) // a header, 19 rows and the position line
	step := func(what string, do func(), want int) {
		t.Helper()
		before := tb.renders
		do()
		tb.View()
		if got := tb.renders - before; got != want {
			t.Errorf("%s rendered %d rows, want %d", what, got, want)
		}
	}
	step("the first frame", func() {}, 19)
	step("a second frame", func() {}, 0)
	step("a cursor move", func() { tb.MoveBy(1) }, 2)
	step("moving back", func() { tb.MoveBy(-1) }, 0)
	step("half a page down", func() { tb.MoveBy(10) }, 1)
	step("scrolling past the window", func() { tb.MoveBy(15) }, 7)
	step("the same rows again", func() { tb.SetRows(tb.rows) }, 0)
	step("a theme change", func() { tb.c.Theme = themes.Mono() }, 19)
	step("a width change", func() { tb.SetSize(100, 21) }, 19)
}

func TestTableCursorFollowsItsRowThroughReorderAndFilter(t *testing.T) {
	tb := newTestTable(100, 120, 21)
	tb.MoveTo(42)
	key := tb.Selected().Key
	rev := make([]*Row, len(tb.rows))
	for i, r := range tb.rows {
		rev[len(rev)-1-i] = r
	}
	tb.SetRows(rev)
	if tb.Selected().Key != key || tb.Cursor() != 57 {
		t.Fatalf("after reversing, the cursor is at %d on %s, want 57 on %s", tb.Cursor(), tb.Selected().Key, key)
	}
	f := ParseFilter(tb.Selected().Find.Bundle)
	tb.SetFilter(f.Match)
	if tb.Selected().Key != key {
		t.Fatalf("after filtering, the cursor is on %s, want %s", tb.Selected().Key, key)
	}
	tb.SetFilter(func(*Fields) bool { return false })
	if tb.Selected() != nil || tb.Len() != 0 {
		t.Fatal("an empty filter result still has a cursor row")
	}
	tb.SetFilter(nil)
	if tb.Len() != 100 {
		t.Fatalf("clearing the filter shows %d rows", tb.Len())
	}
}

func TestRowsCleanWhatTheWorkspaceSays(t *testing.T) {
	d := syntheticDeployments(1)[0]
	d.Release.Bundle = "evil\x1b[31mred\x1b]8;;http://x\x07link\x1b]8;;\x07"
	d.DeployedBy = "mallory\u202etxt.exe@example.com"
	d.Tags = []string{"PINNED\x1b[2J"}
	r := deploymentRow(UnicodeGlyphs, &d, testNow)
	for _, c := range r.Cells {
		if strings.ContainsAny(c.Text, "\x1b\x07\u202e") {
			t.Fatalf("cell %q carries control characters", c.Text)
		}
	}
	if r.Cells[colBundle].Text != "evilredlink" || r.Find.By != "mallorytxt.exe" {
		t.Fatalf("cleaned to %q and %q", r.Cells[colBundle].Text, r.Find.By)
	}
}

func TestStatusIsAGlyphAndAWordNeverAColourAlone(t *testing.T) {
	tests := []struct {
		a    model.Assessment
		want string
	}{
		{model.Assessment{Verdict: model.VerdictFailing}, "✗ failing"},
		{model.Assessment{Verdict: model.VerdictDegraded, Provisional: true}, "! degraded~"},
		{model.Assessment{Verdict: model.VerdictUnknown}, "? unknown"},
		{model.Assessment{Verdict: model.VerdictHealthy}, "✓ healthy"},
	}
	for _, tt := range tests {
		if got := statusText(UnicodeGlyphs, tt.a); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.a, got, tt.want)
		}
	}
	if got := statusText(ASCIIGlyphs, model.Assessment{Verdict: model.VerdictFailing, Provisional: true}); got != "x failing~" {
		t.Errorf("ascii: %q", got)
	}
}
