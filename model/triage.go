package model

import "time"

// TriageLess orders deployments the way an on-call engineer reads them: worst verdict
// first (failing, degraded, unknown, healthy); within a verdict, provisional ones (still
// baking, still changing) before final ones; then newest first.
func TriageLess(a, b Assessment, aAt, bAt time.Time) bool {
	if sa, sb := a.Verdict.Severity(), b.Verdict.Severity(); sa != sb {
		return sa > sb
	}
	if a.Provisional != b.Provisional {
		return a.Provisional
	}
	return aAt.After(bAt)
}

// Worst is the worst verdict of a set; healthy when the set is empty.
func Worst(vs ...Verdict) Verdict {
	w := VerdictHealthy
	for _, v := range vs {
		if v.Severity() > w.Severity() {
			w = v
		}
	}
	return w
}
