package model

import "time"

// EventKind is the kind of a ledger event.
type EventKind string

// Ledger event kinds (DESIGN §4).
const (
	EventDeployRequested EventKind = "deploy_requested"
	EventDeployStarted   EventKind = "deploy_started"
	EventDeploySucceeded EventKind = "deploy_succeeded"
	EventDeployFailed    EventKind = "deploy_failed"
	EventCheck           EventKind = "check"
	EventVerdict         EventKind = "verdict"
	EventApproved        EventKind = "approved"
	EventRejected        EventKind = "rejected"
	EventPinned          EventKind = "pinned"
	EventUnpinned        EventKind = "unpinned"
	EventVetoed          EventKind = "vetoed"
)

// LedgerEvent is one row of the append-only release_events table. EventID is the
// idempotency key: readers deduplicate on it, so a retried write is harmless.
type LedgerEvent struct {
	EventID     string
	ReleaseID   string
	Bundle      string
	Version     string
	GitSHA      string
	Environment string
	Kind        EventKind
	Status      string
	Actor       string
	At          time.Time
	Ticket      string
	Reason      string
	RunID       int64  // 0 when none
	Details     string // JSON
}

// ReleaseResource maps a release in an environment to one job or pipeline it deploys.
type ReleaseResource struct {
	ReleaseID    string
	Environment  string
	ResourceType string // job | pipeline
	ResourceKey  string
	ResourceID   string
	Name         string
}
