package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// The deployments table's columns, the same as `cockpit releases` prints. The bundle and
// version (the release id) keep their whole width; as the terminal narrows the sha goes
// first, then who deployed, the expectation ratio, the runs and the checks; status, age and
// tags stay.
const (
	colStatus = iota
	colBundle
	colVersion
	colSHA
	colAge
	colBy
	colRuns
	colChecks
	colExp
	colTags
)

func deploymentColumns() []Column {
	return []Column{
		colStatus:  {Title: "STATUS", Min: 11},
		colBundle:  {Title: "BUNDLE", Min: 18, Name: true},
		colVersion: {Title: "VERSION", Min: 12, Name: true},
		colSHA:     {Title: "SHA", Min: 8, Priority: 6},
		colAge:     {Title: "AGE", Min: 4, Right: true},
		colBy:      {Title: "BY", Min: 13, Max: 20, Flex: true, Priority: 5},
		colRuns:    {Title: "RUNS", Min: 6, Right: true, Priority: 3},
		colChecks:  {Title: "CHECKS", Min: 7, Priority: 2},
		colExp:     {Title: "EXP", Min: 6, Right: true, Priority: 4},
		colTags:    {Title: "TAGS", Min: 7, Max: 14, Flex: true, Cut: cutTags},
	}
}

// cutTags shortens tags to their first three or four letters when the full words do not fit.
func cutTags(s string, width int) string {
	if Width(s) <= width {
		return s
	}
	short := strings.NewReplacer("CURRENT", "CUR", "PINNED", "PIN", "VETOED", "VETO").Replace(s)
	return FitWith(short, width, "")
}

// item is one deployment of an environment with its row.
type item struct {
	d   model.AssessedDeployment
	row *Row
}

// sortMode is the order of the deployments table: a column (the status column sorts in
// triage order) in its natural direction or reversed. s cycles the column, S reverses; the
// header marks the column.
type sortMode struct {
	col     int
	reverse bool
}

// sortColumns are the columns s cycles through, in that order.
var sortColumns = []int{colStatus, colAge, colBundle, colVersion, colBy, colRuns, colChecks, colExp}

// sortNames say what each column's natural order is.
var sortNames = map[int]string{
	colStatus: "triage", colAge: "newest", colBundle: "bundle", colVersion: "version", colBy: "who",
	colRuns: "failed runs", colChecks: "failed checks", colExp: "expectation failures",
}

func (s sortMode) String() string {
	if s.reverse {
		return sortNames[s.col] + " (reversed)"
	}
	return sortNames[s.col]
}

// next is the next column's natural order.
func (s sortMode) next() sortMode {
	i := slices.Index(sortColumns, s.col)
	return sortMode{col: sortColumns[(i+1)%len(sortColumns)]}
}

// sortItems orders items; ties fall back to the deployment ID so the order is stable
// between refreshes.
func sortItems(items []*item, mode sortMode) {
	slices.SortFunc(items, func(a, b *item) int {
		c := compareBy(mode.col, &a.d, &b.d)
		if c == 0 {
			c = strings.Compare(a.d.ID, b.d.ID)
		}
		if mode.reverse {
			return -c
		}
		return c
	})
}

// compareBy compares two deployments in a column's natural order: worst, newest, most
// failures first; names alphabetically, versions newest first.
func compareBy(col int, x, y *model.AssessedDeployment) int {
	newest := y.DeployedAt.Compare(x.DeployedAt)
	first := func(cs ...int) int {
		for _, c := range cs {
			if c != 0 {
				return c
			}
		}
		return 0
	}
	switch col {
	case colStatus:
		if model.TriageLess(x.Assessment, y.Assessment, x.DeployedAt, y.DeployedAt) {
			return -1
		}
		if model.TriageLess(y.Assessment, x.Assessment, y.DeployedAt, x.DeployedAt) {
			return 1
		}
		return 0
	case colAge:
		return newest
	case colBundle:
		return first(strings.Compare(x.Release.Bundle, y.Release.Bundle), newest)
	case colVersion:
		return first(naturalCompare(y.Release.Version, x.Release.Version), strings.Compare(x.Release.Bundle, y.Release.Bundle))
	case colBy:
		return first(strings.Compare(x.DeployedBy, y.DeployedBy), newest)
	case colRuns:
		fx, fy := x.Health.RunsFailed+x.Health.UpdatesFailed, y.Health.RunsFailed+y.Health.UpdatesFailed
		return first(fy-fx, newest)
	case colChecks:
		return first(y.Checks.Fail-x.Checks.Fail, (y.Checks.Inconclusive+y.Checks.Pending)-(x.Checks.Inconclusive+x.Checks.Pending), newest)
	case colExp:
		rx, ry := -1.0, -1.0
		if x.Health.RecordsPassed+x.Health.RecordsFailed > 0 {
			rx = x.Health.ExpectationFailureRatio()
		}
		if y.Health.RecordsPassed+y.Health.RecordsFailed > 0 {
			ry = y.Health.ExpectationFailureRatio()
		}
		switch {
		case rx > ry:
			return -1
		case rx < ry:
			return 1
		}
		return newest
	}
	return 0
}

// naturalCompare compares strings with their runs of digits as numbers, so that version
// 2026.1122.21 comes after 2026.1122.5.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// deploymentRow renders a deployment's values in words (status is a glyph and a word, never
// a colour alone) and precomputes what the filter matches. Every workspace string is cleaned.
func deploymentRow(g Glyphs, d *model.AssessedDeployment, now time.Time) *Row {
	bundle, version, sha := Clean(d.Release.Bundle), Clean(d.Release.Version), Clean(d.Release.GitSHA)
	by := Clean(ShortUser(d.DeployedBy))
	tags := make([]string, len(d.Tags))
	for i, t := range d.Tags {
		tags[i] = Clean(t)
	}
	tagText := strings.Join(tags, ",")
	ok, failed := d.Health.RunsSucceeded+d.Health.UpdatesOK, d.Health.RunsFailed+d.Health.UpdatesFailed
	runsTone := ToneBase
	if failed > 0 {
		runsTone = ToneDegraded
	}
	checks, checksTone := checksText(g, d.Checks)
	exp, expTone := ratioText(d.Health)
	r := &Row{
		Key: d.ID,
		Cells: []Cell{
			colStatus:  {statusText(g, d.Assessment), verdictTone(d.Verdict)},
			colBundle:  {bundle, ToneBase},
			colVersion: {version, ToneBase},
			colSHA:     {shortSHA(sha), ToneMuted},
			colAge:     {Age(now.Sub(d.DeployedAt)), ToneMuted},
			colBy:      {by, ToneBase},
			colRuns:    {fmt.Sprintf("%d/%d", ok, failed), runsTone},
			colChecks:  {checks, checksTone},
			colExp:     {exp, expTone},
			colTags:    {tagText, ToneTag},
		},
		Find: Fields{
			Bundle: strings.ToLower(bundle), Version: strings.ToLower(version), SHA: strings.ToLower(sha),
			By: strings.ToLower(by), Status: string(d.Verdict), Provisional: d.Provisional,
			Tags: strings.ToLower(tagText), Ticket: strings.ToLower(Clean(d.Ticket)),
		},
	}
	if d.Pending {
		// Read before its health (home_early.go): no verdict yet, not even unknown.
		r.Cells[colStatus] = Cell{g.Ellipsis + " reading", ToneMuted}
		r.Cells[colRuns] = Cell{g.Ellipsis, ToneMuted}
		r.Cells[colChecks] = Cell{g.Ellipsis, ToneMuted}
		r.Cells[colExp] = Cell{g.Ellipsis, ToneMuted}
	}
	// Free words match the sha's first 12 characters: enough to paste a short sha, and it
	// keeps the key short, where substring search is one vector scan.
	r.Find.All = r.Find.Bundle + " " + r.Find.Version + " " + prefix(r.Find.SHA, 12) + " " + r.Find.By + " " + r.Find.Ticket
	return r
}

// sameRow reports whether two rows would draw the same, so the older (with its rendered
// line) can be kept.
func sameRow(a, b *Row) bool {
	return a.Key == b.Key && slices.Equal(a.Cells, b.Cells) && a.Find == b.Find
}

// statusText is a glyph and a word; a trailing ? marks a healthy verdict that awaits a
// person's decision, a trailing ~ a provisional one.
func statusText(g Glyphs, a model.Assessment) string {
	s := verdictGlyph(g, a.Verdict) + " " + string(a.Verdict)
	if a.Verdict == "" {
		s = g.Unknown + " unknown"
	}
	if a.NeedsDecision {
		s += "?"
	}
	if a.Provisional {
		s += g.Provisional
	}
	return s
}

func verdictGlyph(g Glyphs, v model.Verdict) string {
	switch v {
	case model.VerdictHealthy:
		return g.Healthy
	case model.VerdictDegraded:
		return g.Degraded
	case model.VerdictFailing:
		return g.Failing
	}
	return g.Unknown
}

func verdictTone(v model.Verdict) Tone {
	switch v {
	case model.VerdictHealthy:
		return ToneHealthy
	case model.VerdictDegraded:
		return ToneDegraded
	case model.VerdictFailing:
		return ToneFailing
	}
	return ToneUnknown
}

// checksText is passed/total, with the failures counted after a failing glyph.
func checksText(g Glyphs, c model.CheckCounts) (string, Tone) {
	if c.Total() == 0 {
		return "-", ToneMuted
	}
	s := fmt.Sprintf("%d/%d", c.Pass, c.Total())
	if c.Fail > 0 {
		return s + fmt.Sprintf(" %d%s", c.Fail, g.Failing), ToneFailing
	}
	if c.Inconclusive+c.Pending > 0 {
		return s, ToneDegraded
	}
	return s, ToneBase
}

// ratioText is the expectation failure ratio as a percentage, "-" when nothing was checked.
func ratioText(h model.Health) (string, Tone) {
	if h.RecordsPassed+h.RecordsFailed == 0 {
		return "-", ToneMuted
	}
	r := h.ExpectationFailureRatio()
	p := model.DefaultVerdictPolicy()
	tone := ToneBase
	switch {
	case r >= p.FailingRatio:
		tone = ToneFailing
	case r >= p.DegradedRatio:
		tone = ToneDegraded
	}
	return fmt.Sprintf("%.2f%%", 100*r), tone
}

func shortSHA(s string) string { return prefix(s, 8) }

func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ShortUser is the part of a user name before the @, as tables show who deployed.
func ShortUser(u string) string {
	if i := strings.IndexByte(u, '@'); i > 0 {
		return u[:i]
	}
	return u
}

// Age is a compact duration for tables: now, 35m, 5h, 3d; a time in the future (a clock
// ahead, a bad row) is shown as such: in 3d.
func Age(d time.Duration) string {
	switch {
	case d <= -time.Minute:
		return "in " + Age(-d)
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// dataAge says how old fetched data is: 12s, 3m, 2h.
func dataAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh", int(d.Hours()))
}

// window describes the time window of the list: "last 24h", "all time".
func window(since time.Duration) string {
	switch {
	case since <= 0:
		return "all time"
	case since >= 48*time.Hour && since%(24*time.Hour) == 0:
		return fmt.Sprintf("last %dd", since/(24*time.Hour))
	case since%time.Hour == 0:
		return fmt.Sprintf("last %dh", since/time.Hour)
	case since%time.Minute == 0:
		return fmt.Sprintf("last %dm", since/time.Minute)
	}
	return "last " + since.String()
}

// Legend explains the home's columns and glyphs in help (?).
func (h *home) Legend() []legendEntry {
	g := h.c.Glyphs
	return []legendEntry{
		{g.Failing + " failing", "STATUS: the verdict, a glyph and a word; worst first in triage order"},
		{g.Degraded + " degraded", "a check, the runs or the expectations are worse than before the deploy, not failing"},
		{g.Healthy + " healthy", "nothing worse than the deployment's own baseline"},
		{g.Unknown + " unknown", "too little data to judge yet"},
		{"healthy?", "a trailing ?: healthy, but awaiting a person's decision (inconclusive or too few runs)"},
		{g.Provisional, "a trailing " + g.Provisional + ": provisional, the window after the deploy is still open (status:provisional)"},
		{g.Failing + " failing" + g.Provisional, "while it bakes: its first runs fail where its baseline rarely failed (the early warning)"},
		{g.Ellipsis + " reading", "listed, its health still being read: no verdict yet"},
		{"VERSION", "with BUNDLE the release id (bundle@version); both are shown whole"},
		{"AGE", "time since the deploy: 35m, 6h, 3d"},
		{"RUNS 2/1", "job runs and pipeline updates since the deploy: succeeded/failed"},
		{"CHECKS 4/6 2" + g.Failing, "checks passed of those reported (pre- and post-deploy), then how many failed"},
		{"EXP 5.92%", "expectation failure ratio: failed records over all records checked since the deploy"},
		{"TAGS", "CURRENT: deployed now; PINNED: promotion refused until unpinned; VETOED (CUR, PIN, VETO when narrow)"},
		{"-", "nothing to count yet"},
		{g.SortDown + " " + g.SortUp, "after a title: the column the list is sorted by (s cycles, S reverses)"},
		{"12/240", "where the cursor is, when the list is longer than the screen"},
	}
}
