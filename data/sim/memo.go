package sim

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The REST server reads the same answers again and again: an idle cockpit asks every 15 s
// for the pipelines and their latest updates, the runs since its last probe and the events
// of updates it has seen, and the estate changes only when the simulation writes (a
// catch-up that moves the clock on, a scripted or run-now run, a deployer run's step). So
// the reads that cost (pipelines' definitions and latest updates, the runs folded from the
// timeline, the flows of updates) are kept, by query and arguments (the clock's "now"
// among them wherever a read depends on it), until the next write. Only the simulation
// writes the tables they read (lakeflow, sim_internal and the ledger's expectation results;
// the cockpit appends only to the ledger's events and resources), and each of its writes
// bumps the estate's generation once committed, so an answer read before a write is never
// served after it. What depends on the wall clock (deployer runs) and the work in flight
// of the runs list are read every time.
//
// With the wall clock the estate is written every few seconds, by catch-up, and nearly
// always only appended to: runs and updates that ended are added to the timelines. So the
// reads that catch-up's writes cannot change otherwise (a listing of runs, the latest
// updates of pipelines, the pipelines' definitions when no deploy changed them) are carried
// into the next generation with what catch-up added (caughtUp), instead of being read again.

// memoLimit bounds the reads kept per generation: with the wall clock every "now" differs,
// so a generation can see many keys that are never asked for again.
const memoLimit = 256

// memo holds the reads of one generation of the estate.
type memo struct {
	writes atomic.Uint64 // the generation: bumped after every committed write
	reads  atomic.Uint64 // how many reads were made (for tests)

	mu    sync.Mutex
	gen   uint64 // the generation m was read in
	m     map[string]any
	used  map[string]uint64    // the generation each read of m was last asked for in
	calls map[string]*memoCall // reads under way, so that two asking at once read once
}

type memoCall struct {
	done chan struct{}
	v    any
	err  error
}

// wrote says that the estate has changed: what was read before is read again. It is called
// after the write is committed (a read that began before the commit and ends after it is
// then dropped; one that begins after it is of the new generation).
func (s *Sim) wrote() { s.memo.writes.Add(1) }

// carrier is a kept read that can follow a catch-up: carry returns what the read would
// answer after the catch-up that d describes (given that it answered the receiver before
// it, or after it: adding what d adds must be idempotent), or false if it must be read again.
type carrier interface {
	carry(d *catchDelta) (any, bool)
}

// caughtUp says that a catch-up has changed the estate by d, where before was the generation
// when the catch-up began: the kept reads that can are carried into the next generation,
// the others are read again. If any other write was committed meanwhile, nothing is carried.
func (s *Sim) caughtUp(before uint64, d *catchDelta) {
	mo := &s.memo
	mo.mu.Lock()
	defer mo.mu.Unlock()
	next := mo.writes.Add(1)
	if next != before+1 || mo.gen != before || mo.m == nil {
		return
	}
	m, used := map[string]any{}, map[string]uint64{}
	for k, v := range mo.m {
		c, ok := v.(carrier)
		if !ok || mo.used[k]+carryUnused < next {
			continue
		}
		if v, ok := c.carry(d); ok {
			m[k], used[k] = v, mo.used[k]
		}
	}
	// Reads under way began before the commit: they are not kept (cached checks writes).
	mo.gen, mo.m, mo.used, mo.calls = next, m, used, map[string]*memoCall{}
}

// carryUnused is how many generations a read no one asks for is carried.
const carryUnused = 30

// carriable reports whether the memo keeps reads of the current generation that a
// catch-up could carry.
func (mo *memo) carriable() bool {
	mo.mu.Lock()
	defer mo.mu.Unlock()
	if mo.gen != mo.writes.Load() {
		return false
	}
	for _, v := range mo.m {
		if _, ok := v.(carrier); ok {
			return true
		}
	}
	return false
}

// cached returns what read returns for key in the estate's current generation, reading it
// at most once per generation (and once for concurrent callers). The value is shared:
// callers must not modify it.
func cached[T any](s *Sim, key string, read func() (T, error)) (T, error) {
	mo := &s.memo
	mo.mu.Lock()
	// Read under the lock: caughtUp moves the generation and the reads together.
	gen := mo.writes.Load()
	if mo.gen != gen || mo.m == nil || len(mo.m) >= memoLimit {
		mo.gen, mo.m, mo.used, mo.calls = gen, map[string]any{}, map[string]uint64{}, map[string]*memoCall{}
	}
	if v, ok := mo.m[key]; ok {
		mo.used[key] = gen
		mo.mu.Unlock()
		return v.(T), nil
	}
	if c, ok := mo.calls[key]; ok {
		mo.mu.Unlock()
		<-c.done
		if c.err != nil {
			// Another caller's failed read is not this caller's answer: it may have been
			// that caller's request giving up (its connection closed, its deadline passed),
			// which the driver need not say in a way errors.Is knows (DuckDB: "INTERRUPT
			// Error: Interrupted!"). It reads again, itself if no other read is under way.
			return cached(s, key, read)
		}
		return c.v.(T), nil
	}
	c := &memoCall{done: make(chan struct{})}
	mo.calls[key] = c
	mo.mu.Unlock()

	mo.reads.Add(1)
	v, err := read()
	c.v, c.err = v, err
	close(c.done)
	mo.mu.Lock()
	if mo.gen == gen {
		delete(mo.calls, key)
		// Kept only if no write was committed while it was read.
		if err == nil && mo.writes.Load() == gen {
			mo.m[key], mo.used[key] = v, gen
		}
	}
	mo.mu.Unlock()
	return v, err
}

// memoKey joins a query's name and arguments into a key (strings quoted, so that no two
// lists of arguments make the same key).
func memoKey(name string, args ...any) string {
	var b strings.Builder
	b.WriteString(name)
	for _, a := range args {
		switch x := a.(type) {
		case string, []string:
			fmt.Fprintf(&b, " %q", x)
		case time.Time:
			b.WriteString(" " + x.UTC().Format(time.RFC3339Nano))
		default:
			fmt.Fprintf(&b, " %v", x)
		}
	}
	return b.String()
}
