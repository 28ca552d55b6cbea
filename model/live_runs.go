package model

import "strconv"

// MergeLiveRuns adds to the runs of a window, as the warehouse lists them, the runs of the
// REST API that belong to the window (a run of one of its release's jobs that started inside
// it) and the warehouse does not hold yet, marked Live; a run the warehouse shows active and
// the API shows ended takes the API's end and state. Run ids are the key, so nothing is listed
// twice; the warehouse's rows keep their order and the new ones follow, newest first as the
// API lists them (SortRuns orders the tab).
func MergeLiveRuns(rows []JobRun, w LiveWindow, live []Run, workspaceID string) []JobRun {
	out := append([]JobRun(nil), rows...)
	at := map[string]int{}
	for i, r := range out {
		at[r.RunID] = i
	}
	for _, r := range live {
		id := strconv.FormatInt(r.RunID, 10)
		if !w.Jobs[r.JobID] || !w.Window.Contains(r.Start) {
			continue
		}
		state := SystemResultState(r.LifeCycleState, r.ResultState)
		if i, ok := at[id]; ok {
			if out[i].ResultState == "" && state != "" {
				out[i].ResultState, out[i].End, out[i].TerminationCode, out[i].Live = state, r.End, r.TerminationCode, true
			}
			continue
		}
		at[id] = len(out)
		out = append(out, JobRun{WorkspaceID: workspaceID, JobID: strconv.FormatInt(r.JobID, 10), RunID: id, RunName: r.Name,
			Start: r.Start, End: r.End, ResultState: state, TerminationCode: r.TerminationCode, Live: true})
	}
	return out
}
