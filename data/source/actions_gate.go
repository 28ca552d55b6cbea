package source

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// GateRun is `cockpit gate --run-id ID`, the deployer job's first task: it reads its own run
// (the person who asked for it, creator_user_name, and its job parameters), finds the request
// the run was started for in the ledger, and re-evaluates every gate for that person from the
// ledger and the policy. Reasons are empty when the deploy may proceed.
func (a *Actions) GateRun(ctx context.Context, env string, runID int64) (model.GateReport, []string, error) {
	e, err := a.src.Environment(env)
	if err != nil {
		return model.GateReport{}, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
	defer cancel()
	run, err := e.Workspace.GetRun(ctx, runID)
	if err != nil {
		return model.GateReport{}, nil, err
	}
	if job := a.deployerJob(e); job != 0 && run.JobID != job {
		return model.GateReport{}, []string{fmt.Sprintf("run %d is a run of job %d, not of %s's deployer job %d", runID, run.JobID, env, job)}, nil
	}
	return a.judgeRun(ctx, e, run.CreatorUserName, run.Parameters)
}

// installDemoGate makes the simulated deployer runs decide their gate as `cockpit gate`
// does, under the policy in force when each is judged, from the moment the demo opens.
func (s *Source) installDemoGate() {
	if s.installGate == nil {
		return
	}
	s.installGate(func(ctx context.Context, env string, runID int64, creator string, params map[string]string) ([]string, error) {
		pol, err := s.Policy()
		if err != nil {
			return nil, err
		}
		return (&Actions{src: s, policy: pol}).gateHook(ctx, env, runID, creator, params)
	})
}

// gateHook is the gate the simulated deployer runs decide on: GateRun's evaluation.
func (a *Actions) gateHook(ctx context.Context, env string, _ int64, creator string, params map[string]string) ([]string, error) {
	e, err := a.src.Environment(env)
	if err != nil {
		return nil, err
	}
	_, reasons, err := a.judgeRun(ctx, e, creator, params)
	return reasons, err
}

// judgeRun evaluates the gates of the request a deployer run was started for, for its creator.
func (a *Actions) judgeRun(ctx context.Context, e *Environment, creator string, params map[string]string) (model.GateReport, []string, error) {
	env := e.Env.Name
	var reasons []string
	if t := params["target"]; t != env {
		reasons = append(reasons, fmt.Sprintf("the run's target %q is not %s, the environment this deployer job deploys to", t, env))
	}
	events, err := a.src.ledger.BundleEvents(ctx, params["bundle"])
	if err != nil && params["bundle"] != "" {
		return model.GateReport{}, nil, err
	}
	state := model.DeriveState(params["bundle"], events)
	who, err := e.Workspace.UserByName(ctx, creator)
	if errors.Is(err, workspace.ErrNotFound) || errors.Is(err, workspace.ErrInvalidInput) {
		who, err = workspace.User{UserName: creator}, nil
	}
	if err != nil {
		return model.GateReport{}, nil, err
	}
	in, err := model.GateForRun(a.policy, state, params, model.Principal{User: who.UserName, Groups: who.Groups}, a.src.Now())
	if err != nil {
		return model.GateReport{}, append(reasons, err.Error()), nil
	}
	if r, _ := state.Env(env).Request(in.RequestID); r.Release.GitSHA != "" && params["git_sha"] != r.Release.GitSHA {
		reasons = append(reasons, fmt.Sprintf("the run asks for commit %s, request %s is for %s", params["git_sha"], in.RequestID, r.Release.GitSHA))
	}
	perm, err := a.permission(ctx, e, who)
	if err != nil {
		return model.GateReport{}, nil, err
	}
	p := Plan{Request: ActionRequest{Action: in.Action, Bundle: in.Release.Bundle, Version: in.Release.Version, Environment: env,
		Reason: in.Reason, Ticket: in.Ticket, BreakGlass: in.BreakGlass, RequestID: in.RequestID},
		Actor: who.UserName, Groups: who.Groups, Permission: perm, State: state}
	if err := a.judge(ctx, e, &p, events); err != nil {
		return model.GateReport{}, nil, err
	}
	return p.Report, append(reasons, p.Report.Reasons()...), nil
}

// InFlight lists the requests the cockpit made in the last week that have no result yet:
// executed and without a result, or recorded and never started (a cockpit that died between
// its writes). Requests waiting for approval are not in flight.
func (a *Actions) InFlight(ctx context.Context) ([]model.Request, error) {
	ctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
	defer cancel()
	events, err := a.src.ledger.RecentRequestEvents(ctx, a.src.Now().Add(-7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	byBundle := map[string][]model.LedgerEvent{}
	mine := map[string]bool{}
	for _, e := range events {
		byBundle[e.Bundle] = append(byBundle[e.Bundle], e)
		// The cockpit's requests carry their gate snapshot; the deployments CI records do not.
		if e.Kind == model.EventDeployRequested && len(model.ParseRequestDetails(e.Details).Gates) > 0 {
			mine[e.EventID] = true
		}
	}
	var out []model.Request
	for bundle, evs := range byBundle {
		for _, es := range model.DeriveState(bundle, evs).Envs {
			for _, r := range es.InFlight() {
				if mine[r.ID] || mine[r.AttemptID] {
					out = append(out, r)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// Reconcile settles a request left in flight from its deployer run's state: a run that
// ended gets its start and result written (and a rollback its pin); a run still going is
// left to go on; a request without a run after the grace period is marked failed
// (abandoned). The outcome's State is succeeded, failed, running, abandoned or waiting.
func (a *Actions) Reconcile(ctx context.Context, r model.Request) (Outcome, error) {
	e, err := a.src.Environment(r.Environment)
	if err != nil {
		return Outcome{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
	defer cancel()
	out := Outcome{RequestID: r.ID, RunID: r.RunID}
	var run workspace.RunDetail
	found := false
	if r.RunID != 0 {
		run, err = e.Workspace.GetRun(ctx, r.RunID)
		found = err == nil
	} else {
		run, found, err = e.Workspace.FindRun(ctx, a.deployerJob(e), r.At.Add(-time.Hour), "request_id", r.AttemptID)
	}
	if err != nil && !errors.Is(err, workspace.ErrNotFound) {
		return out, err
	}
	base := model.LedgerEvent{ReleaseID: r.Release.ID(), Bundle: r.Release.Bundle, Version: r.Release.Version, GitSHA: r.Release.GitSHA,
		Environment: r.Environment, Actor: r.Requester, Ticket: r.Ticket, Reason: r.Reason}
	events, err := a.src.ledger.BundleEvents(ctx, r.Release.Bundle)
	if err != nil {
		return out, err
	}
	at := eventTime(a.src.Now(), events)
	if !found {
		if a.src.Now().Sub(r.At) < a.Grace {
			out.State, out.Message = "waiting", fmt.Sprintf("no deployer run yet; marked abandoned if none starts by %s", r.At.Add(a.Grace).Format(time.RFC3339))
			return out, nil
		}
		res := base
		res.EventID, res.Kind, res.Status, res.At = model.ResultEventID(r.AttemptID), model.EventDeployFailed, "abandoned", at
		res.Details = jsonOf(map[string]any{"request_id": r.AttemptID, "action": r.Action, "abandoned": true,
			"error": "no deployer run was started for this request: the cockpit that made it stopped before RunNow"})
		if err := a.src.ledger.AppendEvents(ctx, res); err != nil {
			return out, err
		}
		out.State, out.Events = "abandoned", []string{res.EventID}
		out.Message = "no deployer run was started for it; marked failed (abandoned): request it again"
		return out, nil
	}
	out.RunID, out.RunURL = run.RunID, run.RunPageURL
	if r.StartedAt.IsZero() {
		started := base
		started.EventID, started.Kind, started.Status, started.At = model.DerivedEventID(r.AttemptID, "started"), model.EventDeployStarted, "started", at
		started.RunID, started.Details = run.RunID, jsonOf(model.RequestDetails{RequestID: r.AttemptID})
		if err := a.src.ledger.AppendEvents(ctx, started); err != nil {
			return out, err
		}
		out.Events = append(out.Events, started.EventID)
	}
	if run.Active() {
		out.State = "running"
		out.Message = fmt.Sprintf("run %d is %s", run.RunID, strings.ToLower(run.LifeCycleState))
		return out, nil
	}
	p := Plan{Request: ActionRequest{Action: r.Action, Bundle: r.Release.Bundle, Environment: r.Environment, Reason: r.Reason}, RequestID: r.AttemptID}
	st := model.DeriveState(r.Release.Bundle, events).Env(r.Environment)
	for _, d := range st.Deployments {
		if d.Release.Version == r.From {
			p.From = d.Deployment
		}
	}
	out, err = a.recordResult(ctx, p, base, out, run, nil)
	if errors.Is(err, ErrFailed) {
		out.Message = err.Error()
		return out, nil
	}
	return out, err
}

// RecordResult is `cockpit record`, the deployer job's last step: it writes the result of
// the deployment its own run (runID) made for its request (the run's request_id
// parameter): deploy_succeeded, or deploy_failed with the resources that failed and why,
// under the id whoever else observes the end would use, so the ledger keeps one result. A
// successful rollback also pins the (bundle, environment).
func (a *Actions) RecordResult(ctx context.Context, env string, runID int64, ok bool, failed []string, message string) (Outcome, error) {
	e, err := a.src.Environment(env)
	if err != nil {
		return Outcome{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
	defer cancel()
	run, err := e.Workspace.GetRun(ctx, runID)
	if err != nil {
		return Outcome{}, err
	}
	id := run.Parameters["request_id"]
	events, err := a.src.ledger.BundleEvents(ctx, run.Parameters["bundle"])
	if err != nil {
		return Outcome{}, err
	}
	st := model.DeriveState(run.Parameters["bundle"], events).Env(env)
	r, found := st.Request(id)
	if id == "" || !found {
		return Outcome{}, input("run %d names no request of the ledger (request_id %q): nothing to record", runID, id)
	}
	p := Plan{Request: ActionRequest{Action: r.Action, Bundle: r.Release.Bundle, Environment: env, Reason: r.Reason}, RequestID: r.AttemptID}
	for _, d := range st.Deployments {
		if d.Release.Version == r.From {
			p.From = d.Deployment
		}
	}
	base := model.LedgerEvent{ReleaseID: r.Release.ID(), Bundle: r.Release.Bundle, Version: r.Release.Version, GitSHA: r.Release.GitSHA,
		Environment: env, Actor: run.CreatorUserName, Ticket: r.Ticket, Reason: r.Reason}
	run.LifeCycleState, run.ResultState, run.StateMessage = "TERMINATED", "SUCCESS", message
	if !ok {
		run.ResultState = "FAILED"
	}
	out, err := a.recordResult(ctx, p, base, Outcome{RequestID: r.AttemptID, RunID: runID, RunURL: run.RunPageURL}, run, failed)
	if errors.Is(err, ErrFailed) {
		return out, nil // a failure recorded is what was asked for
	}
	return out, err
}
