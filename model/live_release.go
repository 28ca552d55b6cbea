package model

import "time"

// The release screen's pipeline updates and expectation results, with what the REST API
// says now merged in by the rules of MergeLive (the home's counts): an update of one of the
// release's pipelines that started inside the window, update ids the key, the warehouse's
// facts winning once it holds them.

// MergeLiveUpdates adds to the updates of a window, as the warehouse lists them, the
// updates of the REST API that belong to the window and the warehouse does not hold yet,
// marked Live and named after their pipeline in the API's pipelines list; an update the
// warehouse shows active and the API shows ended takes the API's state (COMPLETED, FAILED or
// CANCELED), and its end where the API's events said it (LiveUpdate.End). Update ids are
// the key, so nothing is listed twice;
// the warehouse's rows keep their order and the new ones follow in the API's order.
func MergeLiveUpdates(rows []PipelineUpdate, w LiveWindow, live []LiveUpdate, workspaceID string) []PipelineUpdate {
	out := append([]PipelineUpdate(nil), rows...)
	at := map[string]int{}
	for i, u := range out {
		at[u.UpdateID] = i
	}
	for _, u := range live {
		if !w.Pipelines[u.PipelineID] || !w.Window.Contains(u.Start) {
			continue
		}
		state := u.State
		if !UpdateEnded(state) {
			state = ""
		}
		end := u.End
		if state == "" {
			end = time.Time{}
		}
		if i, ok := at[u.UpdateID]; ok {
			if out[i].ResultState == "" && state != "" {
				out[i].ResultState, out[i].Live = state, true
				if out[i].End.IsZero() {
					out[i].End = end
				}
			}
			continue
		}
		at[u.UpdateID] = len(out)
		out = append(out, PipelineUpdate{WorkspaceID: workspaceID, PipelineID: u.PipelineID, Name: u.PipelineName, UpdateID: u.UpdateID,
			Start: u.Start, End: end, ResultState: state, Live: true})
	}
	return out
}

// MergeLiveExpectations adds to a window's expectations, as the warehouse sums them per
// (dataset, expectation), the results of the REST API's updates that belong to the window
// and whose expectation results the warehouse does not hold (known.Expectations), each
// update once: the records are added to the expectation's row, marked Live (a row only the
// previous deployment had is no longer dropped), or make a new row with no baseline. A
// result naming neither dataset nor expectation is left out, as the warehouse leaves it out.
// The records added are those MergeLive adds to the home's counts.
func MergeLiveExpectations(rows []ExpectationDelta, known Known, w LiveWindow, live []LiveUpdate) []ExpectationDelta {
	out := append([]ExpectationDelta(nil), rows...)
	type key struct{ dataset, expectation string }
	at := map[key]int{}
	for i, e := range out {
		at[key{e.Dataset, e.Expectation}] = i
	}
	seen := map[string]bool{}
	for _, u := range live {
		if !w.Pipelines[u.PipelineID] || !w.Window.Contains(u.Start) || seen[u.UpdateID] {
			continue
		}
		seen[u.UpdateID] = true
		if !u.Expectations || known.Expectations[u.UpdateID] {
			continue
		}
		for _, r := range u.Results {
			if r.Dataset == "" && r.Expectation == "" {
				continue
			}
			k := key{r.Dataset, r.Expectation}
			i, ok := at[k]
			if !ok {
				i = len(out)
				at[k] = i
				out = append(out, ExpectationDelta{ExpectationResult: ExpectationResult{PipelineID: u.PipelineID, Dataset: r.Dataset, Expectation: r.Expectation},
					BaselineRatio: -1})
			}
			e := &out[i]
			if e.Dropped {
				e.Dropped, e.PipelineID = false, u.PipelineID
			}
			e.PassedRecords += r.PassedRecords
			e.FailedRecords += r.FailedRecords
			e.Live = true
		}
	}
	return out
}
