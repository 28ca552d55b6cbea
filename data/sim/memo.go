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

// memoLimit bounds the reads kept per generation: with the wall clock every "now" differs,
// so a generation can see many keys that are never asked for again.
const memoLimit = 256

// memo holds the reads of one generation of the estate.
type memo struct {
	writes atomic.Uint64 // the generation: bumped after every committed write

	mu    sync.Mutex
	gen   uint64 // the generation m was read in
	m     map[string]any
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

// cached returns what read returns for key in the estate's current generation, reading it
// at most once per generation (and once for concurrent callers). The value is shared:
// callers must not modify it.
func cached[T any](s *Sim, key string, read func() (T, error)) (T, error) {
	mo := &s.memo
	gen := mo.writes.Load()
	mo.mu.Lock()
	if mo.gen != gen || mo.m == nil || len(mo.m) >= memoLimit {
		mo.gen, mo.m, mo.calls = gen, map[string]any{}, map[string]*memoCall{}
	}
	if v, ok := mo.m[key]; ok {
		mo.mu.Unlock()
		return v.(T), nil
	}
	if c, ok := mo.calls[key]; ok {
		mo.mu.Unlock()
		<-c.done
		if c.err != nil {
			var zero T
			return zero, c.err
		}
		return c.v.(T), nil
	}
	c := &memoCall{done: make(chan struct{})}
	mo.calls[key] = c
	mo.mu.Unlock()

	v, err := read()
	c.v, c.err = v, err
	close(c.done)
	mo.mu.Lock()
	if mo.gen == gen {
		delete(mo.calls, key)
		// Kept only if no write was committed while it was read.
		if err == nil && mo.writes.Load() == gen {
			mo.m[key] = v
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
