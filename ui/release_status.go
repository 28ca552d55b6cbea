package ui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	domain "github.com/release-cockpit/cockpit/model"
)

// relStatus is how a state is shown: a glyph and a word, in a style. The glyph and the
// word carry the meaning; the style only repeats it.
type relStatus struct {
	Glyph, Word string
	Style       lipgloss.Style
}

func (s relStatus) text() string            { return s.Glyph + " " + s.Word }
func (s relStatus) cell() relCell           { return relCell{Text: s.text(), Style: s.Style} }
func plainCell(c *Common, t string) relCell { return relCell{Text: t, Style: c.Theme.Base} }
func mutedCell(c *Common, t string) relCell { return relCell{Text: t, Style: c.Theme.Muted} }

// verdictStatus shows a deployment's verdict.
func verdictStatus(c *Common, v domain.Verdict) relStatus {
	g, t := c.Glyphs, c.Theme
	switch v {
	case domain.VerdictHealthy:
		return relStatus{g.Healthy, string(v), t.Healthy}
	case domain.VerdictDegraded:
		return relStatus{g.Degraded, string(v), t.Degraded}
	case domain.VerdictFailing:
		return relStatus{g.Failing, string(v), t.Failing}
	}
	return relStatus{g.Unknown, "unknown", t.Unknown}
}

// runStatus shows a job run's or task's result in the system tables' vocabulary; an empty
// result is a run still going.
func runStatus(c *Common, result string) relStatus {
	g, t := c.Glyphs, c.Theme
	switch result {
	case "":
		return relStatus{g.Provisional, "running", t.Unknown}
	case "SUCCEEDED":
		return relStatus{g.Healthy, "succeeded", t.Healthy}
	case "FAILED":
		return relStatus{g.Failing, "failed", t.Failing}
	case "ERROR":
		return relStatus{g.Failing, "error", t.Failing}
	case "TIMED_OUT":
		return relStatus{g.Failing, "timed out", t.Failing}
	case "CANCELLED":
		return relStatus{g.Degraded, "cancelled", t.Degraded}
	case "BLOCKED":
		return relStatus{g.Degraded, "blocked", t.Degraded}
	case "SKIPPED":
		return relStatus{g.Unknown, "skipped", t.Unknown}
	}
	return relStatus{g.Unknown, strings.ToLower(Clean(result)), t.Unknown}
}

// updateStatus shows a pipeline update's result.
func updateStatus(c *Common, result string) relStatus {
	g, t := c.Glyphs, c.Theme
	switch result {
	case "":
		return relStatus{g.Provisional, "running", t.Unknown}
	case "COMPLETED":
		return relStatus{g.Healthy, "completed", t.Healthy}
	case "FAILED":
		return relStatus{g.Failing, "failed", t.Failing}
	case "CANCELED":
		return relStatus{g.Degraded, "canceled", t.Degraded}
	}
	return relStatus{g.Unknown, strings.ToLower(Clean(result)), t.Unknown}
}

// checkStatus shows a check's outcome; a check without data counts as inconclusive, as
// domain.CountChecks counts it.
func checkStatus(c *Common, k domain.Check) relStatus {
	g, t := c.Glyphs, c.Theme
	if k.NoData {
		return relStatus{g.Unknown, "inconclusive", t.Unknown}
	}
	switch k.Outcome {
	case domain.OutcomePass:
		return relStatus{g.Healthy, "pass", t.Healthy}
	case domain.OutcomeFail:
		return relStatus{g.Failing, "fail", t.Failing}
	case domain.OutcomePending:
		return relStatus{g.Provisional, "pending", t.Unknown}
	}
	return relStatus{g.Unknown, "inconclusive", t.Unknown}
}

// eventStatus shows a ledger event's status, with a glyph where the word has a meaning.
func eventStatus(c *Common, status string) relCell {
	g, t := c.Glyphs, c.Theme
	s := strings.ToLower(Clean(status))
	switch s {
	case "succeeded", "pass", "healthy", "approved":
		return relStatus{g.Healthy, s, t.Healthy}.cell()
	case "failed", "fail", "failing", "rejected", "vetoed":
		return relStatus{g.Failing, s, t.Failing}.cell()
	case "degraded", "inconclusive", "pinned":
		return relStatus{g.Degraded, s, t.Degraded}.cell()
	case "":
		return mutedCell(c, "-")
	}
	return plainCell(c, "  "+s)
}

// clockText writes an instant in now's zone: the time of day when it is today, with the
// date otherwise.
func clockText(now, t time.Time, seconds bool) string {
	t = t.In(now.Location())
	layout := "15:04"
	if seconds {
		layout = "15:04:05"
	}
	if y, m, d := t.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
		layout = "01-02 " + layout
	}
	return t.Format(layout)
}

// groupDigits writes an integer with thousands separators: 1234567 → "1,234,567".
func groupDigits(n int64) string {
	s := strings.TrimPrefix(strconv.FormatInt(n, 10), "-")
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stateLinesMax is the most lines the release header gives its state (pinned, vetoed,
// rolled back); a longer one is cut on the last with an ellipsis.
const stateLinesMax = 4

// wrapState wraps the release header's state line (stateLine) to width at spaces instead
// of cutting it: who, when, why and the ticket all show at 80 columns. Continuation lines
// are indented under the text after the glyph; at most stateLinesMax lines.
func wrapState(g Glyphs, line string, width int) []string {
	if line == "" || width <= 0 {
		return nil
	}
	const indent = "  "
	lines := wrap(line, width)
	out := []string{lines[0]}
	if len(lines) > 1 {
		// The rest again, under the indent.
		for _, r := range wrap(strings.Join(lines[1:], " "), max(1, width-len(indent))) {
			out = append(out, indent+r)
		}
	}
	if len(out) > stateLinesMax {
		rest := make([]string, 0, len(out)-stateLinesMax+1)
		for _, l := range out[stateLinesMax-1:] {
			rest = append(rest, strings.TrimSpace(l))
		}
		last := indent + strings.Join(rest, " ")
		out = append(out[:stateLinesMax-1], FitWith(last, width, g.Ellipsis))
	}
	for i := range out {
		out[i] = FitWith(out[i], width, g.Ellipsis)
	}
	return out
}
