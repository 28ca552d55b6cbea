package warehouse

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// waitQueued waits until n statements wait for a slot of sl.
func waitQueued(t *testing.T, sl Slots, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		sl.q.mu.Lock()
		got := len(sl.q.waiting)
		sl.q.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d statements wait for a slot, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// A page's statement takes the next free slot before those already waiting; the others
// take theirs in the order they came; one that gives up leaves the line, and a slot handed
// to one that gave up meanwhile goes on to the next.
func TestAPagesStatementTakesTheNextSlotBeforeThoseWaiting(t *testing.T) {
	ctx := context.Background()
	sl := NewSlots(1)
	hold, err := sl.acquire(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 4)
	queue := func(name string, first bool, ctx context.Context) {
		go func() {
			release, err := sl.acquire(ctx, first)
			if err != nil {
				order <- name + " gave up"
				return
			}
			order <- name
			release()
		}()
	}
	queue("follow-up 1", false, ctx)
	waitQueued(t, sl, 1)
	queue("follow-up 2", false, ctx)
	waitQueued(t, sl, 2)
	gone, giveUp := context.WithCancel(ctx)
	queue("other page", true, gone)
	waitQueued(t, sl, 3)
	queue("page", true, ctx)
	waitQueued(t, sl, 4)
	giveUp()
	if got := <-order; got != "other page gave up" {
		t.Fatalf("a statement that gave up: %q", got)
	}
	waitQueued(t, sl, 3)
	hold()
	var got []string
	for range 3 {
		got = append(got, <-order)
	}
	want := []string{"page", "follow-up 1", "follow-up 2"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("the slot went to %q, want %q", got, want)
		}
	}
	// After every statement ended (the last releases its slot after it reported), the
	// slot is free again: a statement asking now has it at once.
	deadline := time.Now().Add(30 * time.Second)
	for {
		sl.q.mu.Lock()
		free := sl.q.free
		sl.q.mu.Unlock()
		if free == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after every statement ended %d slots are free, want 1", free)
		}
		time.Sleep(time.Millisecond)
	}
}

// On the simulation's engine, a page's statement is in line for a slot before what is read
// beside it (its follow-ups and the count of the rows left out) asks for one, and goes first;
// the page read so is the page read on a store without slots.
func TestAPagesStatementIsFirstInLineForASlot(t *testing.T) {
	ctx := context.Background()
	sl := NewSlots(1)
	s := testStore(t).Limited(sl)
	q := DeploymentQuery{Since: now.Add(-24 * time.Hour), OneRound: true}
	hold, err := sl.acquire(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		p   Page
		err error
	}
	done := make(chan answer, 1)
	go func() {
		p, err := s.ListDeployments(ctx, prod, q)
		done <- answer{p, err}
	}()
	waitQueued(t, sl, 6) // the page, the count, four follow-ups
	sl.q.mu.Lock()
	firsts := 0
	for _, w := range sl.q.waiting {
		if w.first {
			firsts++
		}
	}
	front := sl.q.waiting[0].first
	sl.q.mu.Unlock()
	if !front || firsts != 1 {
		t.Errorf("the line for a slot: the front is the page's statement: %v; %d statements marked first, want 1", front, firsts)
	}
	hold()
	a := <-done
	if a.err != nil {
		t.Fatal(a.err)
	}
	want, err := testStore(t).ListDeployments(ctx, prod, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.p.Deployments) == 0 || len(a.p.Deployments) != len(want.Deployments) || a.p.Matching != want.Matching {
		t.Fatalf("read on one slot: %d deployments of %d; without slots: %d of %d", len(a.p.Deployments), a.p.Matching, len(want.Deployments), want.Matching)
	}
	for i, d := range a.p.Deployments {
		if d.ID != want.Deployments[i].ID || !reflect.DeepEqual(d.Health, want.Deployments[i].Health) {
			t.Errorf("deployment %d: %s %+v, without slots %s %+v", i, d.ID, d.Health, want.Deployments[i].ID, want.Deployments[i].Health)
		}
	}
}

// A page read that fails before its statement does not hold what waits beside it.
func TestAFailedPageReadLetsWhatWaitsBesideItGo(t *testing.T) {
	ctx, queued, done := firstSlot(context.Background())
	done()
	if err := after(ctx, queued); err != nil {
		t.Fatal(err)
	}
	if first := inLine(ctx); first {
		t.Error("a statement under a page's mark after its read ended goes first")
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	_, wait, _ := firstSlot(context.Background())
	if err := after(gone, wait); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting beside a page under an ended context: %v", err)
	}
}
