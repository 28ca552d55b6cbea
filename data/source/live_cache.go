package source

import (
	"sort"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// maxCachedUpdates bounds the expectation cache whatever happens to the windows: past it,
// the updates that started first are forgotten (and read again should a window need them).
const maxCachedUpdates = 2000

// cachedExpectations is an ended update's expectation results, from its flow_progress
// events, and its end, from its final update_progress event: an ended update's events do
// not change, so they are read once.
type cachedExpectations struct {
	start          time.Time // when the update started
	end            time.Time // zero when no event said it ended
	passed, failed int64
	results        []model.ExpectationResult
}

// expectationCache keeps the expectation results of ended updates by environment and
// update id, until the live path no longer needs them: once the system tables hold the
// update's expectations, or it started before the instant from which the live feed reads
// (the tables hold everything earlier), and at most maxCachedUpdates of them.
type expectationCache struct {
	mu sync.Mutex
	m  map[string]cachedExpectations
}

func cacheKey(env, updateID string) string { return env + "\x00" + updateID }

func (c *expectationCache) get(env, updateID string) (cachedExpectations, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[cacheKey(env, updateID)]
	return v, ok
}

func (c *expectationCache) put(env, updateID string, v cachedExpectations) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedExpectations{}
	}
	c.m[cacheKey(env, updateID)] = v
	if len(c.m) <= maxCachedUpdates {
		return
	}
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return c.m[keys[i]].start.Before(c.m[keys[j]].start) })
	for _, k := range keys[:len(keys)-maxCachedUpdates] {
		delete(c.m, k)
	}
}

// evict forgets an environment's updates that the system tables hold the expectations of
// (held) or that started before since (zero: none on that account).
func (c *expectationCache) evict(env string, since time.Time, held map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range held {
		delete(c.m, cacheKey(env, id))
	}
	if since.IsZero() {
		return
	}
	prefix := env + "\x00"
	for k, v := range c.m {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix && v.start.Before(since) {
			delete(c.m, k)
		}
	}
}

// len is how many updates the cache holds.
func (c *expectationCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
