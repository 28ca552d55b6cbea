package source

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/data/warehouse"
)

// What watching costs (issue 10): every statement a source sends to a warehouse and every
// HTTP request its workspace clients make (retries included) is counted here, per
// environment. The stores are observed (warehouse.Store.Observed) and the clients carry a
// counting transport; both learn the environment from the context the source's reads put
// it in (withEnv). What no environment asked for (the ledger's board, actions) counts
// under Shared.

// Shared is the name under which statements and calls of no one environment are counted.
const Shared = "(shared)"

// Count is how many warehouse statements and REST calls were made.
type Count struct {
	Statements int64
	Calls      int64
}

func (c Count) add(d Count) Count { return Count{c.Statements + d.Statements, c.Calls + d.Calls} }

// Usage is what a source has cost since it opened: counts per environment (and Shared) and
// the wall-clock instant counting started. Two readings subtract (Since).
type Usage struct {
	Start time.Time
	At    time.Time // when it was read
	Envs  map[string]Count
}

// Total is the sum over every environment and Shared.
func (u Usage) Total() Count {
	var t Count
	for _, c := range u.Envs {
		t = t.add(c)
	}
	return t
}

// Names lists the environments counted, sorted, Shared last.
func (u Usage) Names() []string {
	var out []string
	for n := range u.Envs {
		if n != Shared {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	if _, ok := u.Envs[Shared]; ok {
		out = append(out, Shared)
	}
	return out
}

// Since is what was counted between an earlier reading and this one.
func (u Usage) Since(earlier Usage) Usage {
	out := Usage{Start: earlier.At, At: u.At, Envs: map[string]Count{}}
	for n, c := range u.Envs {
		e := earlier.Envs[n]
		out.Envs[n] = Count{c.Statements - e.Statements, c.Calls - e.Calls}
	}
	return out
}

// PerMinute scales a count to one minute of the reading's span (the counts themselves
// when the span is shorter than a second).
func (u Usage) PerMinute(c Count) (statements, calls float64) {
	d := u.At.Sub(u.Start)
	if d < time.Second {
		return float64(c.Statements), float64(c.Calls)
	}
	f := float64(time.Minute) / float64(d)
	return float64(c.Statements) * f, float64(c.Calls) * f
}

// counters is a source's counts.
type counters struct {
	mu    sync.Mutex
	start time.Time
	envs  map[string]*Count
	// latency delays every statement (a test and benchmark option: a remote warehouse).
	latency time.Duration
}

func newCounters() *counters {
	return &counters{start: time.Now(), envs: map[string]*Count{}}
}

func (c *counters) add(ctx context.Context, d Count) {
	env := envOf(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.envs[env]
	if n == nil {
		n = &Count{}
		c.envs[env] = n
	}
	*n = n.add(d)
}

// statement counts one statement, then waits out the simulated latency (or the context).
func (c *counters) statement(ctx context.Context) {
	c.add(ctx, Count{Statements: 1})
	if c.latency > 0 {
		t := time.NewTimer(c.latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
}

func (c *counters) usage() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := Usage{Start: c.start, At: time.Now(), Envs: make(map[string]Count, len(c.envs))}
	for n, v := range c.envs {
		u.Envs[n] = *v
	}
	return u
}

// observe is a store that counts its statements in c.
func (c *counters) observe(s *warehouse.Store) *warehouse.Store { return s.Observed(c.statement) }

// transport counts the requests it carries, then hands them to base (nil: a clone of
// http.DefaultTransport).
func (c *counters) transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	return countingTransport{c: c, base: base}
}

type countingTransport struct {
	c    *counters
	base http.RoundTripper
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.c.add(r.Context(), Count{Calls: 1})
	return t.base.RoundTrip(r)
}

type envKey struct{}

// withEnv says which environment the reads under ctx are for.
func withEnv(ctx context.Context, env string) context.Context {
	return context.WithValue(ctx, envKey{}, env)
}

func envOf(ctx context.Context) string {
	if env, ok := ctx.Value(envKey{}).(string); ok && env != "" {
		return env
	}
	return Shared
}

// Usage is what the source has cost so far: warehouse statements and REST calls per
// environment since it opened.
func (s *Source) Usage() Usage {
	if s.counters == nil {
		return Usage{At: time.Now(), Envs: map[string]Count{}}
	}
	return s.counters.usage()
}
