package model

import (
	"fmt"
	"sort"
	"strings"
)

// Reasons a ledger or system-table row is left out of what the cockpit shows.
const (
	SkipNoEventID   = "no event id"
	SkipNoReleaseID = "no release id"
	SkipNoBundle    = "no bundle"
	SkipNoTime      = "no time"
	SkipBadTime     = "unreadable time"
	SkipNoRunID     = "no run id"
	// The readers of a deployment's tabs (runs, updates, expectations, lineage, cost).
	SkipNoUpdateID    = "no update id"
	SkipNoStart       = "no start time"
	SkipNoExpectation = "no dataset or expectation"
	SkipNoTable       = "no table"
	SkipNoDBUs        = "no DBUs"
)

// MaxSkippedIDs bounds how many offending event ids a Skipped keeps (the counts are exact).
const MaxSkippedIDs = 200

// Skipped counts the rows left out because they cannot be what was asked for (a
// deploy_succeeded event without a release id is no deployment), by reason, with the ids of
// the offending events that have one, so that someone can fix them. The zero value is empty.
type Skipped struct {
	// ByReason is the number of rows left out for each reason.
	ByReason map[string]int
	// EventIDs are the offending rows' event ids (those that have one), at most MaxSkippedIDs.
	EventIDs []string
}

// Add counts one row left out for a reason; eventID may be empty.
func (s *Skipped) Add(reason, eventID string) {
	if s.ByReason == nil {
		s.ByReason = map[string]int{}
	}
	s.ByReason[reason]++
	if eventID != "" && len(s.EventIDs) < MaxSkippedIDs {
		s.EventIDs = append(s.EventIDs, eventID)
	}
}

// Merge adds another count to s.
func (s *Skipped) Merge(o Skipped) {
	for r, n := range o.ByReason {
		if s.ByReason == nil {
			s.ByReason = map[string]int{}
		}
		s.ByReason[r] += n
	}
	for _, id := range o.EventIDs {
		if len(s.EventIDs) < MaxSkippedIDs {
			s.EventIDs = append(s.EventIDs, id)
		}
	}
}

// Total is the number of rows left out.
func (s Skipped) Total() int {
	n := 0
	for _, c := range s.ByReason {
		n += c
	}
	return n
}

// Reasons says why, most frequent first: "2 no release id, 1 no time".
func (s Skipped) Reasons() string {
	type rc struct {
		r string
		n int
	}
	var rs []rc
	for r, n := range s.ByReason {
		rs = append(rs, rc{r, n})
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].n != rs[j].n {
			return rs[i].n > rs[j].n
		}
		return rs[i].r < rs[j].r
	})
	parts := make([]string, len(rs))
	for i, x := range rs {
		parts[i] = fmt.Sprintf("%d %s", x.n, x.r)
	}
	return strings.Join(parts, ", ")
}

// String is one line for people, empty when nothing was left out:
// "3 ledger rows left out (2 no release id, 1 no time)".
func (s Skipped) String() string {
	n, noun := s.count()
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d ledger %s left out (%s)", n, noun, s.Reasons())
}

// Line is one line for a tab, empty when nothing was left out: "2 rows left out: no run id",
// "3 rows left out: 2 no run id, 1 no start time".
func (s Skipped) Line() string {
	n, noun := s.count()
	if n == 0 {
		return ""
	}
	if len(s.ByReason) == 1 {
		for r := range s.ByReason {
			return fmt.Sprintf("%d %s left out: %s", n, noun, r)
		}
	}
	return fmt.Sprintf("%d %s left out: %s", n, noun, s.Reasons())
}

// count is Total and the noun that goes with it.
func (s Skipped) count() (int, string) {
	if n := s.Total(); n != 1 {
		return n, "rows"
	}
	return 1, "row"
}
