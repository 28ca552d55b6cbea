package workspace

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/databricks/databricks-sdk-go/client"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"golang.org/x/sync/errgroup"

	"github.com/release-cockpit/cockpit/model"
)

// Run, RunDetail and Task are model.Run, model.RunDetail and model.RunTask: the types moved
// to model so the UI can show a run without importing the workspace client.
type (
	Run       = model.Run
	RunDetail = model.RunDetail
	Task      = model.RunTask
)

// SystemResultState maps a REST life cycle and result state to the system tables' result_state.
func SystemResultState(lifeCycle, result string) string {
	return model.SystemResultState(lifeCycle, result)
}

// RunsOptions narrows the runs feed.
type RunsOptions struct {
	// JobID limits the feed to one job; 0 is every job.
	JobID int64
	// ActiveOnly lists only runs that have not finished; CompletedOnly only those that have.
	ActiveOnly    bool
	CompletedOnly bool
	// Slices, with Now (the caller's clock), reads the range from since to Now in that many
	// slices of start time side by side, each through its own pages, instead of one listing
	// page after page: the feed of the last hour is five pages one after another otherwise.
	// The last slice has no end, so a run that started after Now is still listed.
	Slices int
	Now    time.Time
}

// minSlice is the shortest slice of start time worth a listing of its own.
const minSlice = 10 * time.Minute

// RunsSince is the live runs feed: every run of the workspace (or of opts.JobID) that
// started at or after since, newest first, read through all pages (25 runs a page). It
// costs one call per 25 runs whatever the number of jobs. A zero since lists every run the
// workspace keeps (60 days), so callers normally pass a recent instant.
func (c *Client) RunsSince(ctx context.Context, since time.Time, opts RunsOptions) ([]Run, error) {
	op := fmt.Sprintf("listing job runs started since %s", since.UTC().Format(time.RFC3339))
	if opts.ActiveOnly && opts.CompletedOnly {
		return nil, &Error{Op: op, Kind: ErrInvalidInput, Err: errors.New("active only and completed only exclude each other")}
	}
	req := jobs.ListRunsRequest{JobId: opts.JobID, ActiveOnly: opts.ActiveOnly, CompletedOnly: opts.CompletedOnly, Limit: 25}
	if !since.IsZero() {
		req.StartTimeFrom = since.UnixMilli()
	}
	n := opts.Slices
	if since.IsZero() || opts.Now.IsZero() {
		n = 1
	}
	n = max(1, min(n, int(opts.Now.Sub(since)/minSlice)))
	if n == 1 {
		runs, err := c.listRuns(ctx, req)
		return runs, wrap(err, op)
	}
	// Slice i reads [from_i, from_{i+1}), start_time_to being inclusive; newest first, the
	// last slice's runs come first.
	step := opts.Now.Sub(since) / time.Duration(n)
	parts := make([][]Run, n)
	g, gctx := errgroup.WithContext(ctx)
	for i := range n {
		r := req
		r.StartTimeFrom = since.Add(time.Duration(i) * step).UnixMilli()
		if i < n-1 {
			r.StartTimeTo = since.Add(time.Duration(i+1)*step).UnixMilli() - 1
		}
		g.Go(func() (err error) { parts[i], err = c.listRuns(gctx, r); return })
	}
	if err := g.Wait(); err != nil {
		return nil, wrap(err, op)
	}
	var out []Run
	for i := n - 1; i >= 0; i-- {
		out = append(out, parts[i]...)
	}
	return out, nil
}

// listRuns reads every page of one runs listing.
func (c *Client) listRuns(ctx context.Context, req jobs.ListRunsRequest) ([]Run, error) {
	return allPages(ctx, func(ctx context.Context, token string) ([]Run, string, error) {
		r := req
		r.PageToken = token
		return c.runsPage(ctx, c.lists, r)
	})
}

// runsPage reads one page of jobs/runs/list through via: the request goes out as the SDK's
// ListRuns sends it, the answer is decoded into wireRun (wire.go says why).
func (c *Client) runsPage(ctx context.Context, via *client.DatabricksClient, req jobs.ListRunsRequest) ([]Run, string, error) {
	var resp wireRunsPage
	if err := c.get(ctx, via, "/api/2.2/jobs/runs/list", req, &resp); err != nil {
		return nil, "", err
	}
	return mapped(resp.Runs, runOf), resp.NextPageToken, nil
}

// wireRunsPage is a page of jobs/runs/list.
type wireRunsPage struct {
	Runs          []wireRun `json:"runs"`
	NextPageToken string    `json:"next_page_token"`
}

// wireRun is a run as jobs/runs/list sends it, the fields the cockpit reads.
type wireRun struct {
	JobID     jsonInt `json:"job_id"`
	RunID     jsonInt `json:"run_id"`
	RunName   string  `json:"run_name"`
	StartTime jsonInt `json:"start_time"`
	EndTime   jsonInt `json:"end_time"`
	State     struct {
		LifeCycleState string `json:"life_cycle_state"`
		ResultState    string `json:"result_state"`
		StateMessage   string `json:"state_message"`
	} `json:"state"`
	Status struct {
		State              string `json:"state"`
		TerminationDetails struct {
			Code    string `json:"code"`
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"termination_details"`
	} `json:"status"`
	Trigger         string `json:"trigger"`
	CreatorUserName string `json:"creator_user_name"`
	RunPageURL      string `json:"run_page_url"`
}

// ActiveRuns lists the runs that have not finished, of all jobs.
func (c *Client) ActiveRuns(ctx context.Context) ([]Run, error) {
	return c.RunsSince(ctx, time.Time{}, RunsOptions{ActiveOnly: true})
}

// runOf is a run's state in the cockpit's terms: the life cycle from state, or from the
// newer status when state has none; the message from state, or from the status's
// termination details.
func runOf(w wireRun) Run {
	r := Run{JobID: int64(w.JobID), RunID: int64(w.RunID), Name: w.RunName, Start: fromMillis(int64(w.StartTime)),
		End: fromMillis(int64(w.EndTime)), Trigger: w.Trigger, CreatorUserName: w.CreatorUserName, RunPageURL: w.RunPageURL,
		LifeCycleState: w.State.LifeCycleState, ResultState: w.State.ResultState, StateMessage: w.State.StateMessage,
		TerminationCode: w.Status.TerminationDetails.Code, TerminationType: w.Status.TerminationDetails.Type}
	if r.LifeCycleState == "" {
		r.LifeCycleState = w.Status.State
	}
	if r.StateMessage == "" {
		r.StateMessage = w.Status.TerminationDetails.Message
	}
	return r
}

// wireOf is a run or task run the SDK decoded (runs/get), in wireRun's form for runOf.
func wireOf(jobID, runID int64, name string, start, end int64, st *jobs.RunState, status *jobs.RunStatus, trigger jobs.TriggerType, creator, url string) wireRun {
	w := wireRun{JobID: jsonInt(jobID), RunID: jsonInt(runID), RunName: name, StartTime: jsonInt(start), EndTime: jsonInt(end),
		Trigger: string(trigger), CreatorUserName: creator, RunPageURL: url}
	if st != nil {
		w.State.LifeCycleState, w.State.ResultState, w.State.StateMessage = string(st.LifeCycleState), string(st.ResultState), st.StateMessage
	}
	if status != nil {
		w.Status.State = string(status.State)
		if d := status.TerminationDetails; d != nil {
			w.Status.TerminationDetails.Code, w.Status.TerminationDetails.Type, w.Status.TerminationDetails.Message = string(d.Code), string(d.Type), d.Message
		}
	}
	return w
}

// GetRun reads one run with its tasks, termination details and run page URL. An unknown
// run is ErrNotFound.
func (c *Client) GetRun(ctx context.Context, runID int64) (RunDetail, error) {
	r, err := c.w.Jobs.GetRun(ctx, jobs.GetRunRequest{RunId: runID})
	if err != nil {
		return RunDetail{}, wrap(err, fmt.Sprintf("reading run %d", runID))
	}
	d := RunDetail{Run: runOf(wireOf(r.JobId, r.RunId, r.RunName, r.StartTime, r.EndTime, r.State, r.Status, r.Trigger, r.CreatorUserName, r.RunPageUrl))}
	if len(r.JobParameters) > 0 {
		d.Parameters = map[string]string{}
		for _, p := range r.JobParameters {
			v := p.Value
			if v == "" {
				v = p.Default
			}
			d.Parameters[p.Name] = v
		}
	}
	for _, t := range r.Tasks {
		tr := runOf(wireOf(0, t.RunId, t.TaskKey, t.StartTime, t.EndTime, t.State, t.Status, "", "", t.RunPageUrl))
		task := Task{Key: t.TaskKey, RunID: t.RunId, Start: tr.Start, End: tr.End, LifeCycleState: tr.LifeCycleState,
			ResultState: tr.ResultState, StateMessage: tr.StateMessage, TerminationCode: tr.TerminationCode, RunPageURL: t.RunPageUrl}
		for _, dep := range t.DependsOn {
			task.DependsOn = append(task.DependsOn, dep.TaskKey)
		}
		if t.PipelineTask != nil {
			task.PipelineID = t.PipelineTask.PipelineId
		}
		d.Tasks = append(d.Tasks, task)
	}
	return d, nil
}

// RunNow starts a run of a job with job parameters and returns its run id. The
// idempotency token (1 to 64 characters, e.g. the ledger event id of the request) is
// required: the SDK retries POSTs, and the token is what makes a retried request return the
// same run instead of starting a second one. A user without CAN_MANAGE_RUN gets
// ErrPermissionDenied.
func (c *Client) RunNow(ctx context.Context, jobID int64, params map[string]string, idempotencyToken string) (int64, error) {
	op := fmt.Sprintf("starting a run of job %d", jobID)
	if idempotencyToken == "" || len(idempotencyToken) > 64 {
		return 0, &Error{Op: op, Kind: ErrInvalidInput, Err: fmt.Errorf("the idempotency token must have 1 to 64 characters, not %d", len(idempotencyToken))}
	}
	w, err := c.w.Jobs.RunNow(ctx, jobs.RunNow{JobId: jobID, JobParameters: params, IdempotencyToken: idempotencyToken})
	if err != nil {
		return 0, wrap(err, op)
	}
	return w.RunId, nil
}

// fromMillis turns epoch milliseconds into a UTC time; 0 is the zero time.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
