package source

import (
	"context"
	"time"

	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/model"
)

// A probe whose live feed shows only new runs and pipeline updates of the watched jobs and
// pipelines (watch.go) costs no warehouse statement to show: the system tables hold nothing
// of those for about an hour, so reading the windows again would return what the last read
// returned. The next list of the environment merges the feed, read again, into the
// warehouse's rows of that last read (kept before the live feed was merged into them),
// with the live scope it was read with, so the same run or update is never counted twice.
// The warehouse is read again when anything else moved: the ledger (a deployment, a check,
// an approval: asked in the same probe, one small statement) or the deployer job ran; and
// when the kept read is older than keptFor. A bake time's end needs none (the verdict is
// assessed again at the list's now), nor a watched run that ended out of the probe's sight
// (it started in an open window, which the feed read again covers).

// keptFor is how long a kept read may stand in for the warehouse: the slow full refresh.
const keptFor = 5 * time.Minute

// keptRead is the warehouse's side of one list: the whole window (it ended in one page)
// as read, before the live feed was merged into it, and the live scope read with it.
type keptRead struct {
	bundle      string
	since       time.Time // the window's start
	at          time.Time // the source's clock when it was read
	deployments []model.Deployment
	skipped     model.Skipped
	scope       warehouse.LiveScope
}

// page is the kept read as the warehouse's page of the window from since (at or after the
// kept one's): its deployments deployed then or later, in the order read.
func (k *keptRead) page(since time.Time) warehouse.Page {
	p := warehouse.Page{Skipped: k.skipped}
	for _, d := range k.deployments {
		if !d.DeployedAt.Before(since) {
			p.Deployments = append(p.Deployments, d)
		}
	}
	p.Matching = len(p.Deployments)
	return p
}

// keep records a list's warehouse read for the next feed-only change.
func (w *watchState) keep(k *keptRead) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.kept = k
}

// takeKept is the kept read a list of the window of bundle from since may use instead of
// the warehouse: only after a probe saw a feed-only change, and only if the kept read
// covers the window and is recent. Asking uses up the probe's answer either way.
func (w *watchState) takeKept(bundle string, since, now time.Time) *keptRead {
	w.mu.Lock()
	defer w.mu.Unlock()
	k, feedOnly := w.kept, w.feedOnly
	w.feedOnly = false
	if !feedOnly || k == nil || k.bundle != bundle || since.Before(k.since) || now.Sub(k.at) >= keptFor {
		return nil
	}
	return k
}

// startLiveKept reads the live feed again for a kept read's open windows, with its scope.
func (s *Source) startLiveKept(ctx context.Context, e *Environment, k *keptRead) *liveRead {
	if e.Workspace == nil {
		return nil
	}
	return s.goLive(e, nil, func() (liveFeed, error) {
		ctx, cancel := context.WithTimeout(ctx, s.liveBudget())
		defer cancel()
		return s.feedOf(ctx, e, k.scope, nil)
	})
}

// finished: the read has ended (without waiting for it).
func (r *liveRead) finished() bool {
	if r == nil {
		return false
	}
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// feedFrom is where the feed of a window's scope starts: the oldest open window, or the
// system tables' cut when that is later.
func feedFrom(scope warehouse.LiveScope) time.Time {
	if scope.Since.After(scope.OldestOpen) {
		return scope.Since
	}
	return scope.OldestOpen
}
