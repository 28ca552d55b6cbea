package warehouse

import (
	"context"
	"sync"
)

// Slots limits how many statements run at once across the stores that share it; the zero
// value limits nothing. A page's statement (firstSlot) takes the next free slot before the
// statements already waiting.
type Slots struct{ q *slotQueue }

// NewSlots lets n statements run at once (at least one).
func NewSlots(n int) Slots { return Slots{q: &slotQueue{free: max(n, 1)}} }

type slotQueue struct {
	mu      sync.Mutex
	free    int
	waiting []*slotWaiter // the first ones at the front, each kind in arrival order
}

type slotWaiter struct {
	ready   chan struct{}
	first   bool
	granted bool
}

// acquire waits for a slot (none when the slots limit nothing) and returns its release.
func (sl Slots) acquire(ctx context.Context, first bool) (func(), error) {
	q := sl.q
	if q == nil {
		return func() {}, nil
	}
	q.mu.Lock()
	if q.free > 0 {
		q.free--
		q.mu.Unlock()
		return q.release, nil
	}
	w := &slotWaiter{ready: make(chan struct{}), first: first}
	at := len(q.waiting)
	if first {
		at = 0
		for at < len(q.waiting) && q.waiting[at].first {
			at++
		}
	}
	q.waiting = append(q.waiting, nil)
	copy(q.waiting[at+1:], q.waiting[at:])
	q.waiting[at] = w
	q.mu.Unlock()
	select {
	case <-w.ready:
		return q.release, nil
	case <-ctx.Done():
		q.mu.Lock()
		defer q.mu.Unlock()
		if w.granted {
			q.handOn()
			return nil, ctx.Err()
		}
		for i, o := range q.waiting {
			if o == w {
				q.waiting = append(q.waiting[:i], q.waiting[i+1:]...)
				break
			}
		}
		return nil, ctx.Err()
	}
}

// release gives a slot back: to the first waiting, else to the free ones.
func (q *slotQueue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.handOn()
}

// handOn passes a slot on; q.mu is held.
func (q *slotQueue) handOn() {
	if len(q.waiting) == 0 {
		q.free++
		return
	}
	w := q.waiting[0]
	q.waiting = q.waiting[1:]
	w.granted = true
	close(w.ready)
}

// The page's statement goes first. On a Limited store (the simulation's DuckDB: two
// statements at a time), a page read beside its follow-ups and the count of the ledger rows
// left out would otherwise often wait behind them, although its rows are what a screen shows
// first (DeploymentQuery.OnPage: the home's rows before their health). The statements that
// go with it wait until it is in line for a slot, before its latency (a remote warehouse's
// in benchmarks) rather than after, so that they add no round trip; it then takes the next
// free slot before them. On a store without slots that is all at once.

// pageMark marks the context of a page's statement.
type pageMark struct {
	once   sync.Once
	inLine chan struct{}
}

type pageMarkKey struct{}

// firstSlot returns the context to read a page under and a channel closed once its
// statement is in line for a slot, or when done is called: call it when the page's read
// returns, so that those waiting are not held by a read that failed before its statement.
func firstSlot(ctx context.Context) (pageCtx context.Context, inLine <-chan struct{}, done func()) {
	m := &pageMark{inLine: make(chan struct{})}
	done = func() { m.once.Do(func() { close(m.inLine) }) }
	return context.WithValue(ctx, pageMarkKey{}, m), m.inLine, done
}

// inLine is called by a statement before it asks for a slot: the first under a page's mark
// is the page's own, which lets the others follow and goes first.
func inLine(ctx context.Context) (first bool) {
	m, ok := ctx.Value(pageMarkKey{}).(*pageMark)
	if !ok {
		return false
	}
	m.once.Do(func() {
		first = true
		close(m.inLine)
	})
	return first
}

// after waits until inLine is closed (nil: at once) or ctx ends.
func after(ctx context.Context, inLine <-chan struct{}) error {
	if inLine == nil {
		return nil
	}
	select {
	case <-inLine:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
