package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/ui"
)

// homeRows is how many deployments the home snapshot shows per environment.
const homeRows = 8

// writeHome prints the plain-text snapshot of the home screen: per environment, its count
// and worst verdict, and its deployments of the last 24 hours, worst and provisional first.
// It is what `cockpit` prints when stdout is not a terminal.
func writeHome(ctx context.Context, w io.Writer, src *source.Source, st tableStyle) error {
	now := src.Now()
	dot := st.glyphs.Dot
	fmt.Fprintf(w, "Release Cockpit%s%s%s%s%s%s\n", dot, ui.Clean(src.Label()), dot, cell(ui.ShortUser(src.User())), dot, now.Format("2006-01-02 15:04 MST"))
	for _, name := range src.Environments() {
		l, err := src.ListAll(ctx, name, source.Query{Since: 24 * time.Hour, Limit: 2000})
		if err != nil {
			return err
		}
		rows := l.Deployments
		verdicts := make([]model.Verdict, len(rows))
		for i, r := range rows {
			verdicts[i] = r.Verdict
		}
		sort.SliceStable(rows, func(i, j int) bool {
			return model.TriageLess(rows[i].Assessment, rows[j].Assessment, rows[i].DeployedAt, rows[j].DeployedAt)
		})
		worst := model.Worst(verdicts...)
		if len(rows) == 0 {
			worst = model.VerdictUnknown
		}
		fmt.Fprintf(w, "\n%s%s%d deployments in the last 24h%sworst: %s\n", name, dot, len(rows), dot, statusLabel(model.Assessment{Verdict: worst}, st.glyphs))
		if line := skippedLine(name, l.Skipped); line != "" {
			fmt.Fprintln(w, line)
		}
		if len(rows) > homeRows {
			rows = rows[:homeRows]
		}
		writeTable(w, rows, now, st)
	}
	return nil
}
