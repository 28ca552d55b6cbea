package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// Progress is one observation of a deployer run being followed, Outcome how an executed
// action ended: the model's types.
type (
	Progress = model.ActionProgress
	Outcome  = model.ActionOutcome
)

// ExecOptions say how to execute a plan.
type ExecOptions struct {
	// NoWait returns once the run has started instead of following it to its end.
	NoWait bool
	// Progress, if set, receives each observation of the run (from this goroutine).
	Progress func(Progress)
}

// Execute carries out a plan whose gates pass. It re-reads the ledger first and stops
// (ErrChanged) if the current deployment changed since the plan, or (ErrRefused) if a gate
// blocks now; then writes in order: deploy_requested (intent first), RunNow with the
// request's id as idempotency token, deploy_started with the run id; follows the run to its
// end and writes the one result event (its id derived from the request's, so the deployer
// job writing it too leaves one). A rollback that succeeds pins the (bundle, environment).
func (a *Actions) Execute(ctx context.Context, p Plan, o ExecOptions) (Outcome, error) {
	if !p.OK() && !p.AwaitsApproval {
		return Outcome{}, fmt.Errorf("%w: %s", ErrRefused, strings.Join(p.Report.Reasons(), "; "))
	}
	e, err := a.src.Environment(p.Request.Environment)
	if err != nil {
		return Outcome{}, err
	}
	cctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
	defer cancel()
	events, err := a.src.ledger.BundleEvents(cctx, p.Request.Bundle)
	if err != nil {
		return Outcome{}, a.src.warehouseProblem(e, err)
	}
	// The state just before executing: a change since the plan stops the action.
	fresh := p
	fresh.State = model.DeriveState(p.Request.Bundle, events)
	if cur, _ := fresh.State.Env(p.Request.Environment).Current(); cur.ID != p.From.ID {
		return Outcome{}, fmt.Errorf("%w: %s in %s was %s when planned and is %s now: look again and retry",
			ErrChanged, p.Request.Bundle, p.Request.Environment, orNone(p.From.Release.Version), orNone(cur.Release.Version))
	}
	if err := a.judge(cctx, e, &fresh, events); err != nil {
		return Outcome{}, err
	}
	if !fresh.OK() && !(fresh.AwaitsApproval && p.AwaitsApproval) {
		return Outcome{}, fmt.Errorf("%w: %s", ErrRefused, strings.Join(fresh.Report.Reasons(), "; "))
	}
	if !p.RunsDeployer() {
		return a.record(cctx, fresh, events)
	}
	at := eventTime(a.src.Now(), events)
	out := Outcome{RequestID: fresh.RequestID}
	rel := fresh.To
	base := model.LedgerEvent{ReleaseID: rel.ID(), Bundle: rel.Bundle, Version: rel.Version, GitSHA: rel.GitSHA,
		Environment: p.Request.Environment, Actor: fresh.Actor, Ticket: p.Request.Ticket, Reason: p.Request.Reason}
	if !fresh.Existing {
		req := base
		req.EventID, req.Kind, req.Status, req.At = fresh.RequestID, model.EventDeployRequested, model.StatusRequested, at
		d := requestDetails{RequestDetails: model.RequestDetails{Action: p.Request.Action, From: fresh.From.Release.Version, To: rel.Version,
			BreakGlass: fresh.Report.BreakGlassUsed, Gates: fresh.Report.Gates, RequestID: p.Request.RetryOf},
			FromVersion: fresh.From.Release.Version, ToVersion: rel.Version}
		if fresh.AwaitsApproval {
			ep, _ := a.policy.Env(p.Request.Environment)
			req.Status, d.ApprovalsRequired = model.StatusAwaitingApproval, ep.ApprovalsRequired
		}
		req.Details = jsonOf(d)
		if err := a.src.ledger.AppendEvents(cctx, req); err != nil {
			return out, err
		}
		out.Events = append(out.Events, req.EventID)
		if fresh.AwaitsApproval {
			out.State = model.StatusAwaitingApproval
			out.Message = fmt.Sprintf("request %s recorded: %s", fresh.RequestID, strings.Join(fresh.Report.Reasons(), "; "))
			return out, fmt.Errorf("%w: %s", ErrRefused, out.Message)
		}
	}
	if a.stopAfter == "requested" {
		return out, errStopped
	}
	runID, err := e.Workspace.RunNow(cctx, fresh.JobID, fresh.Parameters, fresh.RequestID)
	if err != nil {
		return out, fmt.Errorf("request %s is recorded but its deployer run did not start (the next start reconciles it): %w", fresh.RequestID, err)
	}
	out.RunID = runID
	if a.stopAfter == "run-now" {
		return out, errStopped
	}
	started := base
	started.EventID, started.Kind, started.Status, started.At = model.DerivedEventID(fresh.RequestID, "started"), model.EventDeployStarted, "started", at.Add(time.Millisecond)
	started.RunID, started.Details = runID, jsonOf(model.RequestDetails{RequestID: fresh.RequestID})
	if err := a.src.ledger.AppendEvents(cctx, started); err != nil {
		return out, err
	}
	out.Events = append(out.Events, started.EventID)
	if o.NoWait {
		out.State = "running"
		if r, err := e.Workspace.GetRun(cctx, runID); err == nil {
			out.RunURL = r.RunPageURL
		}
		return out, nil
	}
	return a.follow(ctx, e, fresh, base, out, o.Progress)
}

// errStopped is a simulated death (Actions.stopAfter).
var errStopped = errors.New("stopped (simulated)")

// requestDetails are the details of a deploy_requested event the cockpit writes: the model's
// fields (a retry's request_id names the request it retries), and from_version/to_version
// for readers outside the cockpit.
type requestDetails struct {
	model.RequestDetails
	FromVersion string `json:"from_version"`
	ToVersion   string `json:"to_version"`
}

// follow reads the run until it ends, then writes its result (and the pin of a rollback).
func (a *Actions) follow(ctx context.Context, e *Environment, p Plan, base model.LedgerEvent, out Outcome, progress func(Progress)) (Outcome, error) {
	began := time.Now()
	poll := a.Poll
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	var run workspace.RunDetail
	for {
		rctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
		r, err := e.Workspace.GetRun(rctx, out.RunID)
		cancel()
		if err != nil {
			return out, fmt.Errorf("following run %d of request %s (it goes on; the next start reconciles it): %w", out.RunID, p.RequestID, err)
		}
		run, out.RunURL = r, r.RunPageURL
		if progress != nil {
			progress(Progress{RequestID: p.RequestID, RunID: r.RunID, State: r.LifeCycleState, Task: runningTask(r), Elapsed: time.Since(began), RunURL: r.RunPageURL})
		}
		if !r.Active() {
			break
		}
		select {
		case <-ctx.Done():
			return out, fmt.Errorf("stopped following run %d of request %s (it goes on; the next start reconciles it): %w", out.RunID, p.RequestID, ctx.Err())
		case <-time.After(poll):
		}
	}
	cctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
	defer cancel()
	return a.recordResult(cctx, p, base, out, run, nil)
}

// recordResult writes the result event of a request's ended run (and a rollback's pin).
func (a *Actions) recordResult(ctx context.Context, p Plan, base model.LedgerEvent, out Outcome, run workspace.RunDetail, failed []string) (Outcome, error) {
	events, err := a.src.ledger.BundleEvents(ctx, base.Bundle)
	if err != nil {
		return out, err
	}
	at := eventTime(a.src.Now(), events)
	ok := run.SystemResultState() == "SUCCEEDED"
	res := base
	res.EventID, res.At, res.RunID = model.ResultEventID(p.RequestID), at, run.RunID
	res.Details = jsonOf(model.RequestDetails{Action: p.Request.Action, RequestID: p.RequestID, FailedResources: failed})
	res.Kind, res.Status, out.State = model.EventDeploySucceeded, "succeeded", "succeeded"
	if !ok {
		res.Kind, res.Status, out.State, out.Message = model.EventDeployFailed, "failed", "failed", run.StateMessage
	}
	if err := a.src.ledger.AppendEvents(ctx, res); err != nil {
		return out, err
	}
	out.Events = append(out.Events, res.EventID)
	if !ok {
		return out, fmt.Errorf("%w: run %d of request %s ended %s: %s (retry it with cockpit retry %s)", ErrFailed, run.RunID, p.RequestID,
			strings.ToLower(orNone(run.ResultState)), orNone(run.StateMessage), p.RequestID)
	}
	if p.Request.Action == model.ActionRollback {
		pin := base
		pin.EventID, pin.Kind, pin.Status, pin.At = model.DerivedEventID(p.RequestID, "pin"), model.EventPinned, "pinned", at.Add(time.Millisecond)
		pin.Reason = fmt.Sprintf("rolled back %s@%s to %s", base.Bundle, orNone(p.From.Release.Version), base.Version)
		if p.Request.Reason != "" {
			pin.Reason += ": " + p.Request.Reason
		}
		pin.Details = jsonOf(model.RequestDetails{RequestID: p.RequestID})
		if err := a.src.ledger.AppendEvents(ctx, pin); err != nil {
			return out, err
		}
		out.Events = append(out.Events, pin.EventID)
	}
	return out, nil
}

// record writes the one event of an approve, pin, unpin or veto.
func (a *Actions) record(ctx context.Context, p Plan, events []model.LedgerEvent) (Outcome, error) {
	req := p.Request
	version := req.Version
	if req.Action == model.ActionPin || req.Action == model.ActionUnpin {
		version = p.From.Release.Version
	}
	ev := model.LedgerEvent{EventID: model.NewEventID(time.Now()), ReleaseID: model.ReleaseID(req.Bundle, version), Bundle: req.Bundle,
		Version: version, GitSHA: gitSHAOf(events, version), Environment: req.Environment, Kind: eventOf(req.Action),
		Actor: p.Actor, At: eventTime(a.src.Now(), events), Ticket: req.Ticket, Reason: req.Reason}
	ev.Status = string(ev.Kind)
	d := model.RequestDetails{Action: req.Action}
	if req.Action == model.ActionApprove {
		d.RequestID = p.RequestID
	}
	d.Gates = p.Report.Gates
	ev.Details = jsonOf(d)
	if err := a.src.ledger.AppendEvents(ctx, ev); err != nil {
		return Outcome{}, err
	}
	return Outcome{RequestID: p.RequestID, State: "done", Events: []string{ev.EventID}}, nil
}

// runningTask is the task of a run that is running now, if any.
func runningTask(r workspace.RunDetail) string {
	for _, t := range r.Tasks {
		if t.LifeCycleState == "RUNNING" {
			return t.Key
		}
	}
	return ""
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
