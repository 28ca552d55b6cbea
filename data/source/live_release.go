package source

import (
	"context"

	"github.com/release-cockpit/cockpit/model"
)

// The release screen's runs, pipeline updates and Data quality tab of a current deployment
// whose window is open get what the REST API says now, as the home's counts do (readLive): the
// same warehouse statement for what the system tables hold (liveScope), the same reading of
// the release's pipelines' latest updates with the expectation results of those that ended
// (liveUpdates and its expectation cache), merged by model.MergeLiveUpdates and
// model.MergeLiveExpectations with the rules of model.MergeLive.

// releaseLive is the live facts of one deployment's window, read in the background beside
// the warehouse's statement for the tab (one round trip, not two).
type releaseLive struct {
	done chan struct{}
	feed liveFeed
	w    model.LiveWindow
	err  error
}

// releaseFacts says which of the REST API's facts a tab needs beside the scope.
type releaseFacts int

const (
	releaseRuns    releaseFacts = iota // the runs feed from where the system tables stop
	releaseUpdates                     // the release's pipelines' latest updates, with their expectation results
)

// startReleaseLive starts reading the live facts of d's window: the same warehouse
// statement for what the system tables hold (liveScope), then the runs or the updates (the
// pipelines list, which needs no statement, beside it). nil when the window cannot change
// any more (or there is no workspace to ask).
func (s *Source) startReleaseLive(ctx context.Context, e *Environment, d model.Deployment, facts releaseFacts) *releaseLive {
	if !d.Window.Live(s.clock()) || e.Workspace == nil {
		return nil
	}
	r := &releaseLive{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		ctx, cancel := context.WithTimeout(ctx, s.liveBudget())
		defer cancel()
		var pipes *pipelinesRead
		if facts == releaseUpdates {
			pipes = readPipelines(ctx, e) // beside the scope's statement
		}
		f, since, err := s.liveScope(ctx, e, d.Window.Start, []string{d.Release.ID()})
		if err == nil {
			switch facts {
			case releaseRuns:
				f.runs, err = e.Workspace.RunsSince(ctx, since, liveRunsOptions(s.clock()))
			case releaseUpdates:
				f.updates, err = s.liveUpdates(ctx, e, f.scope, since, pipes)
			}
		}
		r.feed, r.w, r.err = f, liveWindow(&d, f.scope), err
	}()
	return r
}

// wait waits for the read; ok is false when there is nothing to merge (none started, or it
// failed: err says why, as a *LiveError).
func (r *releaseLive) wait() (ok bool, err error) {
	if r == nil {
		return false, nil
	}
	<-r.done
	if r.err != nil {
		return false, &LiveError{Err: r.err}
	}
	return true, nil
}

// runs merges the live runs into the warehouse's runs of the window (model.MergeLiveRuns).
func (r *releaseLive) runs(runs []model.JobRun, workspaceID string) ([]model.JobRun, error) {
	ok, err := r.wait()
	if !ok {
		return runs, err
	}
	return model.MergeLiveRuns(runs, r.w, r.feed.runs, workspaceID), nil
}

// updates merges the live updates into the warehouse's updates of the window.
func (r *releaseLive) updates(us []model.PipelineUpdate, workspaceID string) ([]model.PipelineUpdate, error) {
	ok, err := r.wait()
	if !ok {
		return us, err
	}
	return model.MergeLiveUpdates(us, r.w, r.feed.updates, workspaceID), nil
}

// expectations merges the live updates' expectation results into the warehouse's
// expectations of the window.
func (r *releaseLive) expectations(es []model.ExpectationDelta) ([]model.ExpectationDelta, error) {
	ok, err := r.wait()
	if !ok {
		return es, err
	}
	return model.MergeLiveExpectations(es, r.feed.scope.Known, r.w, r.feed.updates), nil
}
