package model

import (
	"testing"
	"time"
)

// TestAWindowIsLiveWhileTheSystemTablesMayLackWhatRanInIt: an open window, and one closed
// less than LiveFor ago, get what only the REST API knows yet; one closed earlier is the
// warehouse's alone.
func TestAWindowIsLiveWhileTheSystemTablesMayLackWhatRanInIt(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	start := now.Add(-3 * 24 * time.Hour)
	for _, c := range []struct {
		name string
		end  time.Time
		want bool
	}{
		{"open", time.Time{}, true},
		{"closed a minute ago", now.Add(-time.Minute), true},
		{"closed just under two hours ago", now.Add(-LiveFor + time.Second), true},
		{"closed two hours ago", now.Add(-LiveFor), false},
		{"closed yesterday", now.Add(-24 * time.Hour), false},
	} {
		if got := (Window{Start: start, End: c.end}).Live(now); got != c.want {
			t.Errorf("%s: live %v, want %v", c.name, got, c.want)
		}
	}
}
