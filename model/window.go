package model

import (
	"sort"
	"time"
)

// Window is the span a deployment owns: from its deployed_at up to the next deployment of
// the same bundle in the same environment, or open (zero End) while it is the newest.
// Start is inclusive and End exclusive, so a run that starts at the instant of the next
// deployment belongs to the next one.
type Window struct {
	Start time.Time
	End   time.Time // zero: still open
}

// Open reports whether no later deployment has closed the window.
func (w Window) Open() bool { return w.End.IsZero() }

// LiveFor is how long after a window closes the system tables may still lack what ran in
// it (they arrive about an hour late, DESIGN §4): until then what the REST API says is
// merged into it as into an open window, so that a release rolled back minutes after it
// began failing keeps its failures.
const LiveFor = 2 * time.Hour

// Live reports whether the window may hold what only the REST API knows yet at now: it is
// open, or it closed less than LiveFor ago.
func (w Window) Live(now time.Time) bool { return w.Open() || now.Sub(w.End) < LiveFor }

// Contains reports whether t falls inside the window.
func (w Window) Contains(t time.Time) bool {
	if t.Before(w.Start) {
		return false
	}
	return w.Open() || t.Before(w.End)
}

// EndOr returns End, or now when the window is open.
func (w Window) EndOr(now time.Time) time.Time {
	if w.Open() {
		return now
	}
	return w.End
}

// Landing is the minimum the window rule needs to know of a deployment.
type Landing struct {
	Bundle      string
	Environment string
	At          time.Time
	ID          string // tie-breaker for deployments at the same instant
}

// Windows applies the correlation rule to a set of deployments, in any order, and returns
// the window of each, in the order given. Deployments of the same bundle in the same
// environment close each other's windows; others never do. Two deployments at the same
// instant are ordered by ID, and the earlier one gets an empty window.
func Windows(ls []Landing) []Window {
	type key struct{ bundle, env string }
	idx := make([]int, len(ls))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		la, lb := ls[idx[a]], ls[idx[b]]
		if la.Bundle != lb.Bundle {
			return la.Bundle < lb.Bundle
		}
		if la.Environment != lb.Environment {
			return la.Environment < lb.Environment
		}
		if !la.At.Equal(lb.At) {
			return la.At.Before(lb.At)
		}
		return la.ID < lb.ID
	})
	out := make([]Window, len(ls))
	for n, i := range idx {
		out[i] = Window{Start: ls[i].At}
		if n+1 < len(idx) {
			next := ls[idx[n+1]]
			if next.Bundle == ls[i].Bundle && next.Environment == ls[i].Environment {
				out[i].End = next.At
			}
		}
	}
	return out
}
