package model

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Statuses of a deploy_requested event.
const (
	// StatusRequested: the request is to be executed at once (RunNow follows).
	StatusRequested = "requested"
	// StatusAwaitingApproval: the request waits for approvals before anyone may execute it.
	StatusAwaitingApproval = "awaiting_approval"
)

// RequestDetails is the JSON in the details of deploy_requested events, and, with only
// RequestID set, of the deploy_started, deploy_succeeded, deploy_failed, approved and
// rejected events that answer a request. Events without a request_id are matched to the
// newest open request of the same release in the same environment.
//
// A retry of a failed request is a new deploy_requested event (its event id is the new
// attempt's idempotency token) whose request_id names the original request: the request goes
// back in flight as a new attempt, and events answering either id answer it.
type RequestDetails struct {
	Action Action `json:"action,omitempty"`
	// From and To are the versions replaced and deployed (FromVersion and ToVersion are read
	// as the same, for writers that name them so).
	From              string `json:"from,omitempty"`
	To                string `json:"to,omitempty"`
	FromVersion       string `json:"from_version,omitempty"`
	ToVersion         string `json:"to_version,omitempty"`
	ApprovalsRequired int    `json:"approvals_required,omitempty"`
	// BreakGlass marks a request taken past a freeze or a spent budget under break-glass.
	BreakGlass bool `json:"break_glass,omitempty"`
	// Gates is the gate report the request was made with.
	Gates []Gate `json:"gates,omitempty"`
	// RequestID is the event id of the deploy_requested event an event answers (or, on a
	// deploy_requested event, the request it retries; RetryOf is read as the same there).
	RequestID string `json:"request_id,omitempty"`
	RetryOf   string `json:"retry_of,omitempty"`
	// FailedResources lists the resources a failed deployment could not deploy.
	FailedResources []string `json:"failed_resources,omitempty"`
}

// ParseRequestDetails reads an event's details; empty or malformed details give zero values.
func ParseRequestDetails(details string) RequestDetails {
	var d RequestDetails
	if strings.TrimSpace(details) != "" {
		_ = json.Unmarshal([]byte(details), &d)
	}
	if d.From == "" {
		d.From = d.FromVersion
	}
	if d.To == "" {
		d.To = d.ToVersion
	}
	if d.RequestID == "" {
		d.RequestID = d.RetryOf
	}
	return d
}

// LedgerDeployment is a deployment as the ledger tells it: a deploy_succeeded event, the
// request it answered, and the verdict given on it after its bake time.
type LedgerDeployment struct {
	Deployment
	// Action is promote or rollback, from its request; empty when the request is unknown.
	Action    Action
	RequestID string
	// Verdict is the last verdict event on the deployment; empty while there is none.
	Verdict   Verdict
	VerdictAt time.Time
}

// Verified reports whether the deployment's final verdict is healthy: its bake time passed and
// its post-deploy checks passed.
func (d LedgerDeployment) Verified() bool { return d.Verdict == VerdictHealthy }

// Pin holds a (bundle, environment) at its version: promotions into it are refused until an
// unpin.
type Pin struct {
	Version string
	By      string
	At      time.Time
	Reason  string
	Ticket  string
	EventID string
}

// Veto marks a release bad: it can never move on, nor be rolled back to.
type Veto struct {
	Version     string
	Environment string
	By          string
	At          time.Time
	Reason      string
	Ticket      string
	EventID     string
}

// Approval is one person's approval of a request.
type Approval struct {
	By      string
	At      time.Time
	Reason  string
	EventID string
}

// RequestState is where a deployment request stands.
type RequestState string

// Request states.
const (
	RequestAwaitingApproval RequestState = "awaiting_approval"
	// RequestApproved: enough approvals, not executed yet.
	RequestApproved RequestState = "approved"
	// RequestInFlight: executed (or being executed) and without a result yet. A request
	// written by a cockpit that died before RunNow is in flight too, until reconciled.
	RequestInFlight   RequestState = "in_flight"
	RequestSucceeded  RequestState = "succeeded"
	RequestFailed     RequestState = "failed"
	RequestRejected   RequestState = "rejected"
	RequestSuperseded RequestState = "superseded" // waited for approval while its version landed otherwise
)

// Request is a deploy_requested event and what answered it.
type Request struct {
	ID          string // the deploy_requested event's id: the RunNow idempotency token
	Release     Release
	Environment string
	Action      Action
	From, To    string
	Requester   string
	At          time.Time
	Ticket      string
	Reason      string
	// ApprovalsRequired is the number the request was made with.
	ApprovalsRequired int
	BreakGlass        bool
	// Approvals are distinct people other than the requester, in the order they approved.
	Approvals []Approval
	State     RequestState
	// AttemptID is the event id of the current attempt: ID, or the newest retry's. It is the
	// idempotency token of the attempt's RunNow.
	AttemptID string
	// Attempts counts the attempts, 1 without retries; AttemptBy asked for the current one.
	Attempts  int
	AttemptBy string
	RunID     int64
	// StartedAt and EndedAt are zero until deploy_started and the result arrive.
	StartedAt, EndedAt time.Time
	// RejectedBy and RejectReason are set for a rejected request.
	RejectedBy, RejectReason string
	FailedResources          []string
}

// Retryable reports whether the request failed and may be tried again (gates re-evaluated).
func (r Request) Retryable() bool { return r.State == RequestFailed }

// Open reports whether the request still waits for approval or execution.
func (r Request) Open() bool {
	return r.State == RequestAwaitingApproval || r.State == RequestApproved || r.State == RequestInFlight
}

// ApprovedBy reports whether a person approved the request.
func (r Request) ApprovedBy(user string) bool {
	for _, a := range r.Approvals {
		if strings.EqualFold(a.By, user) {
			return true
		}
	}
	return false
}

// EnvState is the ledger's state of one bundle in one environment.
type EnvState struct {
	Bundle      string
	Environment string
	// Deployments in landing order, oldest first.
	Deployments []LedgerDeployment
	// Pin is nil unless pinned.
	Pin *Pin
	// Requests in request order, oldest first.
	Requests []Request
}

// Current is the newest deployment.
func (s EnvState) Current() (LedgerDeployment, bool) {
	if len(s.Deployments) == 0 {
		return LedgerDeployment{}, false
	}
	return s.Deployments[len(s.Deployments)-1], true
}

// Latest is the newest deployment of a version.
func (s EnvState) Latest(version string) (LedgerDeployment, bool) {
	for i := len(s.Deployments) - 1; i >= 0; i-- {
		if s.Deployments[i].Release.Version == version {
			return s.Deployments[i], true
		}
	}
	return LedgerDeployment{}, false
}

// LastVerified is the newest verified deployment of a version other than the current one:
// the default rollback target.
func (s EnvState) LastVerified() (LedgerDeployment, bool) {
	cur, ok := s.Current()
	if !ok {
		return LedgerDeployment{}, false
	}
	for i := len(s.Deployments) - 2; i >= 0; i-- {
		if d := s.Deployments[i]; d.Verified() && d.Release.Version != cur.Release.Version {
			return d, true
		}
	}
	return LedgerDeployment{}, false
}

// RolledBack reports whether the deployment of version that was current before a rollback
// was rolled back, and the rollback's request (who, when, why, ticket, to which version): the
// newest rollback that replaced a deployment of that version.
func (s EnvState) RolledBack(version string) (Request, bool) {
	for i := len(s.Deployments) - 1; i > 0; i-- {
		d := s.Deployments[i]
		if d.Action != ActionRollback || s.Deployments[i-1].Release.Version != version {
			continue
		}
		if r, ok := s.Request(d.RequestID); ok {
			return r, true
		}
		return Request{ID: d.RequestID, Release: d.Release, Environment: s.Environment, Action: ActionRollback, From: version,
			To: d.Release.Version, Requester: d.DeployedBy, At: d.DeployedAt, Ticket: d.Ticket, State: RequestSucceeded}, true
	}
	return Request{}, false
}

// Request finds a request by its id or its current attempt's id.
func (s EnvState) Request(id string) (Request, bool) {
	if r := s.request(id); r != nil {
		return *r, true
	}
	return Request{}, false
}

// ApprovalsFor lists the approvals a promotion of version into the environment can count:
// those given, on any request of that version that was not rejected, since the environment's
// current deployment landed (a landing consumes them, so an approval is bound to the release
// and to what it replaces), one per person, in the order given. The requester of each request
// never counts for it (DeriveState drops such approvals).
func (s EnvState) ApprovalsFor(version string) []Approval {
	var since time.Time
	if cur, ok := s.Current(); ok {
		since = cur.DeployedAt
	}
	var out []Approval
	seen := map[string]bool{}
	for _, r := range s.Requests {
		if r.Release.Version != version || r.State == RequestRejected {
			continue
		}
		for _, a := range r.Approvals {
			if k := strings.ToLower(a.By); !seen[k] && !a.At.Before(since) {
				seen[k] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// Pending lists the requests awaiting approval or approved and not yet executed.
func (s EnvState) Pending() []Request {
	return s.requestsIn(RequestAwaitingApproval, RequestApproved)
}

// InFlight lists the requests executed, or being executed, without a result.
func (s EnvState) InFlight() []Request { return s.requestsIn(RequestInFlight) }

func (s EnvState) requestsIn(states ...RequestState) []Request {
	var out []Request
	for _, r := range s.Requests {
		for _, st := range states {
			if r.State == st {
				out = append(out, r)
			}
		}
	}
	return out
}

// PendingFor is the newest pending request of a version.
func (s EnvState) PendingFor(version string) (Request, bool) {
	for i := len(s.Requests) - 1; i >= 0; i-- {
		r := s.Requests[i]
		if r.Release.Version == version && (r.State == RequestAwaitingApproval || r.State == RequestApproved) {
			return r, true
		}
	}
	return Request{}, false
}

// BundleState is the ledger's state of one bundle in every environment.
type BundleState struct {
	Bundle string
	Envs   map[string]EnvState
	// Vetoes in the order they were given.
	Vetoes []Veto
}

// Env is the state in one environment (empty when nothing happened there).
func (b BundleState) Env(name string) EnvState {
	if s, ok := b.Envs[name]; ok {
		return s
	}
	return EnvState{Bundle: b.Bundle, Environment: name}
}

// Vetoed reports whether a version of the bundle was vetoed, in any environment.
func (b BundleState) Vetoed(version string) (Veto, bool) {
	for _, v := range b.Vetoes {
		if v.Version == version {
			return v, true
		}
	}
	return Veto{}, false
}

// DeriveState folds a bundle's ledger events (any order, duplicates allowed: they are
// deduplicated on EventID; other bundles' events are ignored) into its state per environment.
func DeriveState(bundle string, events []LedgerEvent) BundleState {
	evs := make([]LedgerEvent, 0, len(events))
	seen := map[string]bool{}
	for _, e := range events {
		if e.Bundle != bundle || (e.EventID != "" && seen[e.EventID]) {
			continue
		}
		seen[e.EventID] = true
		evs = append(evs, e)
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].At.Equal(evs[j].At) {
			return evs[i].At.Before(evs[j].At)
		}
		return kindOrder(evs[i].Kind) < kindOrder(evs[j].Kind)
	})
	b := BundleState{Bundle: bundle, Envs: map[string]EnvState{}}
	work := map[string]*EnvState{}
	env := func(name string) *EnvState {
		if s, ok := work[name]; ok {
			return s
		}
		s := &EnvState{Bundle: bundle, Environment: name}
		work[name] = s
		return s
	}
	for _, e := range evs {
		s := env(e.Environment)
		d := ParseRequestDetails(e.Details)
		switch e.Kind {
		case EventDeployRequested:
			if orig := s.request(d.RequestID); orig != nil && d.RequestID != e.EventID {
				// A retry: a new attempt of the original request.
				orig.AttemptID, orig.AttemptBy, orig.Attempts, orig.State = e.EventID, e.Actor, orig.Attempts+1, RequestInFlight
				orig.StartedAt, orig.EndedAt, orig.RunID, orig.FailedResources = time.Time{}, time.Time{}, 0, nil
				continue
			}
			r := Request{ID: e.EventID, Release: Release{Bundle: bundle, Version: e.Version, GitSHA: e.GitSHA}, Environment: e.Environment,
				Action: d.Action, From: d.From, To: d.To, Requester: e.Actor, At: e.At, Ticket: e.Ticket, Reason: e.Reason,
				ApprovalsRequired: d.ApprovalsRequired, BreakGlass: d.BreakGlass, State: RequestInFlight, AttemptID: e.EventID, AttemptBy: e.Actor, Attempts: 1}
			if r.Action == "" {
				r.Action = ActionPromote
			}
			if r.To == "" {
				r.To = e.Version
			}
			if e.Status == StatusAwaitingApproval {
				r.State = RequestAwaitingApproval
			}
			s.Requests = append(s.Requests, r)
		case EventDeployStarted:
			if r := s.answer(e, d, RequestInFlight, RequestApproved, RequestAwaitingApproval); r != nil {
				r.State, r.StartedAt, r.RunID = RequestInFlight, e.At, e.RunID
			}
		case EventDeploySucceeded, EventDeployFailed:
			r := s.answer(e, d, RequestInFlight, RequestApproved, RequestAwaitingApproval)
			if r != nil {
				r.EndedAt = e.At
				if r.RunID == 0 {
					r.RunID = e.RunID
				}
				r.State = RequestFailed
				if e.Kind == EventDeploySucceeded {
					r.State = RequestSucceeded
				}
				r.FailedResources = d.FailedResources
			}
			if e.Kind == EventDeploySucceeded {
				ld := LedgerDeployment{Deployment: Deployment{ID: e.EventID, Release: Release{Bundle: bundle, Version: e.Version, GitSHA: e.GitSHA},
					Environment: e.Environment, DeployedAt: e.At, DeployedBy: e.Actor, Ticket: e.Ticket}}
				if r != nil {
					ld.Action, ld.RequestID = r.Action, r.ID
					if ld.DeployedBy == "" {
						ld.DeployedBy = r.Requester
					}
				}
				s.Deployments = append(s.Deployments, ld)
				s.supersede(e.Version, e.At)
			}
		case EventApproved:
			if r := s.answer(e, d, RequestAwaitingApproval, RequestApproved); r != nil && !strings.EqualFold(e.Actor, r.Requester) && !r.ApprovedBy(e.Actor) {
				r.Approvals = append(r.Approvals, Approval{By: e.Actor, At: e.At, Reason: e.Reason, EventID: e.EventID})
				if len(r.Approvals) >= r.ApprovalsRequired {
					r.State = RequestApproved
				}
			}
		case EventRejected:
			if r := s.answer(e, d, RequestAwaitingApproval, RequestApproved); r != nil {
				r.State, r.RejectedBy, r.RejectReason, r.EndedAt = RequestRejected, e.Actor, e.Reason, e.At
			}
		case EventVerdict:
			for i := len(s.Deployments) - 1; i >= 0; i-- {
				if s.Deployments[i].Release.Version == e.Version {
					if v, err := ParseVerdict(e.Status); err == nil {
						s.Deployments[i].Verdict, s.Deployments[i].VerdictAt = v, e.At
					}
					break
				}
			}
		case EventPinned:
			s.Pin = &Pin{Version: e.Version, By: e.Actor, At: e.At, Reason: e.Reason, Ticket: e.Ticket, EventID: e.EventID}
		case EventUnpinned:
			s.Pin = nil
		case EventVetoed:
			b.Vetoes = append(b.Vetoes, Veto{Version: e.Version, Environment: e.Environment, By: e.Actor, At: e.At, Reason: e.Reason, Ticket: e.Ticket, EventID: e.EventID})
		}
	}
	for name, s := range work {
		b.Envs[name] = *s
	}
	return b
}

// kindOrder breaks ties between events at the same instant in the order they are written.
func kindOrder(k EventKind) int {
	switch k {
	case EventDeployRequested:
		return 0
	case EventApproved, EventRejected:
		return 1
	case EventDeployStarted:
		return 2
	case EventDeploySucceeded, EventDeployFailed:
		return 3
	case EventCheck:
		return 4
	case EventVerdict:
		return 5
	}
	return 6
}

// answer finds the request an event answers: the one its details name (if it is in one of
// the states), else the newest request of the same version in the first of the states that
// has one.
func (s *EnvState) answer(e LedgerEvent, d RequestDetails, states ...RequestState) *Request {
	in := func(r *Request) bool {
		for _, st := range states {
			if r.State == st {
				return true
			}
		}
		return false
	}
	if d.RequestID != "" {
		if r := s.request(d.RequestID); r != nil && in(r) {
			return r
		}
		return nil
	}
	for _, st := range states {
		for i := len(s.Requests) - 1; i >= 0; i-- {
			if r := &s.Requests[i]; r.Release.Version == e.Version && r.State == st {
				return r
			}
		}
	}
	return nil
}

// request finds a request by its id or its current attempt's id.
func (s *EnvState) request(id string) *Request {
	if id == "" {
		return nil
	}
	for i := range s.Requests {
		if r := &s.Requests[i]; r.ID == id || r.AttemptID == id {
			return r
		}
	}
	return nil
}

// supersede closes the requests still waiting for approval of a version that has landed.
func (s *EnvState) supersede(version string, at time.Time) {
	for i := range s.Requests {
		r := &s.Requests[i]
		if r.Release.Version == version && (r.State == RequestAwaitingApproval || r.State == RequestApproved) && !r.At.After(at) {
			r.State, r.EndedAt = RequestSuperseded, at
		}
	}
}
