package model

import (
	"fmt"
	"strings"
	"time"
)

// Release is an immutable version of a bundle. Its id is "<bundle>@<version>".
type Release struct {
	Bundle  string
	Version string
	GitSHA  string
}

// ID returns the release id, "<bundle>@<version>".
func (r Release) ID() string { return ReleaseID(r.Bundle, r.Version) }

// ReleaseID joins a bundle and a version into a release id.
func ReleaseID(bundle, version string) string { return bundle + "@" + version }

// ParseReleaseID splits "<bundle>@<version>". The version is everything after the last '@'.
func ParseReleaseID(id string) (bundle, version string, err error) {
	i := strings.LastIndexByte(id, '@')
	if i <= 0 || i == len(id)-1 {
		return "", "", fmt.Errorf("release id %q is not of the form <bundle>@<version>", id)
	}
	return id[:i], id[i+1:], nil
}

// Deployment is a release landing in an environment at a time: one row of the release list.
type Deployment struct {
	ID          string // event_id of the deploy_succeeded ledger event
	Release     Release
	Environment string
	DeployedAt  time.Time
	DeployedBy  string
	Ticket      string
	// Window is the span of time whose runs, updates and expectations belong to this deployment.
	Window Window
	// Current is true for the newest deployment of the bundle in the environment.
	Current bool
	Health  Health
	Checks  CheckCounts
	Tags    []string
	// Source says where the deployment is known from: SourceLedger, SourceHistory or
	// SourceDiscovered. Empty reads as the ledger.
	Source string
	// Previous is the deployment of the same bundle in the environment before this one, as
	// the listing that read it found it: nil when it did not say (a reader that needs it
	// asks), an empty ID when there is none. A screen that has it needs no round trip for it.
	Previous *PreviousDeployment
}

// PreviousDeployment is the deployment before another of the same bundle in an environment.
type PreviousDeployment struct {
	ID, ReleaseID, GitSHA string
	DeployedAt            time.Time
}

// Where a deployment is known from. The ledger's facts win over the deployment history's,
// and those over what was discovered from the system tables and the audit log.
const (
	SourceLedger     = "ledger"
	SourceHistory    = "deployment-history"
	SourceDiscovered = "discovered"
)

// Tags shown next to a deployment.
const (
	TagCurrent = "CURRENT"
	TagPinned  = "PINNED"
	TagVetoed  = "VETOED"
)

// Health is what the deployment's window holds: outcome counts of the job runs and
// pipeline updates that started inside it and the expectation results of those updates.
type Health struct {
	RunsSucceeded int
	RunsFailed    int
	RunsActive    int
	UpdatesOK     int
	UpdatesFailed int
	RecordsPassed int64
	RecordsFailed int64
	// BaselineRatio is the expectation failure ratio of the previous deployment of the
	// same bundle in the same environment; negative when there is none.
	BaselineRatio float64
	// Baseline is what the window is held against: the same jobs' and pipelines' runs
	// before the deploy and the previous deployment's expectations.
	Baseline Baseline
	// LiveFacts counts the facts above that only the REST API has reported so far (the
	// system tables have not got them yet; MergeLive); zero when the warehouse holds all.
	LiveFacts int
}

// ExpectationFailureRatio is failed records over all records checked, 0 when nothing was checked.
func (h Health) ExpectationFailureRatio() float64 {
	total := h.RecordsPassed + h.RecordsFailed
	if total == 0 {
		return 0
	}
	return float64(h.RecordsFailed) / float64(total)
}

// Started is how many job runs and pipeline updates of the window the health counts,
// ended or running: the runs and updates whose cost the window's billing will hold.
func (h Health) Started() int {
	return h.RunsSucceeded + h.RunsFailed + h.RunsActive + h.UpdatesOK + h.UpdatesFailed
}

// HasData reports whether anything ran in the window.
func (h Health) HasData() bool {
	return h.RunsSucceeded+h.RunsFailed+h.UpdatesOK+h.UpdatesFailed > 0 || h.RecordsPassed+h.RecordsFailed > 0
}
