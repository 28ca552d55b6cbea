package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// The deployments table's columns, the same as `cockpit releases` prints. At 80 columns the
// sha and who columns go first, then checks and runs; status, bundle, age, tags and the
// expectation ratio stay.
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
		colBundle:  {Title: "BUNDLE", Min: 18, Max: 26, Grow: 1},
		colVersion: {Title: "VERSION", Min: 12, Drop: 2},
		colSHA:     {Title: "SHA", Min: 8, Drop: 6},
		colAge:     {Title: "AGE", Min: 4, Right: true},
		colBy:      {Title: "BY", Min: 13, Max: 20, Grow: 3, Drop: 5},
		colRuns:    {Title: "RUNS", Min: 6, Right: true, Drop: 3},
		colChecks:  {Title: "CHECKS", Min: 7, Drop: 4},
		colExp:     {Title: "EXP", Min: 6, Right: true, Drop: 1},
		colTags:    {Title: "TAGS", Min: 7, Max: 14, Grow: 2, Cut: cutTags},
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

// sortMode is the order of the deployments table; s cycles through them.
type sortMode int

const (
	sortTriage sortMode = iota // failing and provisional first (model.TriageLess)
	sortNewest
	sortBundle
)

func (s sortMode) String() string { return [...]string{"triage", "newest", "bundle"}[s] }

func (s sortMode) next() sortMode { return (s + 1) % 3 }

// sortItems orders items; ties fall back to the deployment ID so the order is stable
// between refreshes.
func sortItems(items []*item, mode sortMode) {
	slices.SortFunc(items, func(a, b *item) int {
		x, y := &a.d, &b.d
		switch mode {
		case sortTriage:
			if model.TriageLess(x.Assessment, y.Assessment, x.DeployedAt, y.DeployedAt) {
				return -1
			}
			if model.TriageLess(y.Assessment, x.Assessment, y.DeployedAt, x.DeployedAt) {
				return 1
			}
		case sortNewest:
			if c := y.DeployedAt.Compare(x.DeployedAt); c != 0 {
				return c
			}
		case sortBundle:
			if c := strings.Compare(x.Release.Bundle, y.Release.Bundle); c != 0 {
				return c
			}
			if c := y.DeployedAt.Compare(x.DeployedAt); c != 0 {
				return c
			}
		}
		return strings.Compare(x.ID, y.ID)
	})
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
			Tags: strings.ToLower(tagText),
		},
	}
	// Free words match the sha's first 12 characters: enough to paste a short sha, and it
	// keeps the key within 64 bytes, where substring search is one vector scan.
	r.Find.All = r.Find.Bundle + " " + r.Find.Version + " " + prefix(r.Find.SHA, 12) + " " + r.Find.By
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
