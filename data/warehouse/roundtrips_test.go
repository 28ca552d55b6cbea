package warehouse

import (
	"context"
	"sync"
	"testing"
	"time"
)

// slowStore is the test store with each statement waiting `late` before it is sent, as a
// remote warehouse makes each wait; it records when each was sent and the most waiting at once.
type slowStore struct {
	mu      sync.Mutex
	waiting int
	most    int
	sent    []time.Time
}

func (w *slowStore) observe(late time.Duration) func(context.Context) {
	return func(context.Context) {
		w.mu.Lock()
		w.waiting++
		w.most = max(w.most, w.waiting)
		w.sent = append(w.sent, time.Now())
		w.mu.Unlock()
		time.Sleep(late)
		w.mu.Lock()
		w.waiting--
		w.mu.Unlock()
	}
}

// firstRound counts the statements sent before the first one was answered.
func (w *slowStore) firstRound(late time.Duration) int {
	n := 0
	for _, at := range w.sent {
		if at.Sub(w.sent[0]) < late/2 {
			n++
		}
	}
	return n
}

// A remote warehouse answers each statement hundreds of milliseconds late: a page's data
// costs two round trips (the page beside the count of the ledger rows left out, then its
// health, checks, baselines and expectations side by side), not one per statement; a page
// of a short window costs one (all six side by side).
func TestAPagesStatementsGoOutInOneOrTwoRoundTrips(t *testing.T) {
	const late = 600 * time.Millisecond
	ctx := context.Background()
	cases := []struct {
		name             string
		q                DeploymentQuery
		slots            int
		sent, most, head int
	}{
		{"first page", DeploymentQuery{}, 0, 6, 4, 2},
		{"a later page (nothing left out to count)", DeploymentQuery{After: &Cursor{DeployedAt: now, ID: "~"}}, 0, 5, 4, 1},
		// The slots hold back the engine's work, not the network's wait: all four follow-ups
		// still wait out their latency together, so two slots add no round trip.
		{"an embedded engine's two slots", DeploymentQuery{}, 2, 6, 4, 2},
		{"the last day's first page in one round trip", DeploymentQuery{Since: now.Add(-24 * time.Hour), OneRound: true}, 0, 6, 6, 6},
		{"its next page in one round trip", DeploymentQuery{Since: now.Add(-24 * time.Hour), OneRound: true, Limit: 5, After: &Cursor{DeployedAt: now, ID: "~"}}, 0, 5, 5, 5},
		{"one round trip on two slots", DeploymentQuery{Since: now.Add(-24 * time.Hour), OneRound: true}, 2, 6, 6, 6},
		{"all time: the page first (its rows bound the scans)", DeploymentQuery{OneRound: true}, 0, 6, 4, 2},
	}
	for _, c := range cases {
		w := &slowStore{}
		s := testStore(t).Observed(w.observe(late))
		if c.slots > 0 {
			s = s.Limited(NewSlots(c.slots))
		}
		if _, err := s.ListDeployments(ctx, prod, c.q); err != nil {
			t.Fatal(err)
		}
		if len(w.sent) != c.sent || w.most != c.most || w.firstRound(late) != c.head {
			t.Errorf("%s: %d statements sent, %d in the first round trip, at most %d side by side; want %d, %d, %d",
				c.name, len(w.sent), w.firstRound(late), w.most, c.sent, c.head, c.most)
		}
	}
}
