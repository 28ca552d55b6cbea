package model

import "time"

// JobRun is one run of a job, folded from its hourly slices in the timeline table or read
// from the REST runs feed.
type JobRun struct {
	WorkspaceID string
	JobID       string
	RunID       string
	RunName     string
	Start       time.Time
	End         time.Time // zero while the run is active
	// ResultState uses the system-table vocabulary (SUCCEEDED, FAILED, ...); empty while active.
	ResultState     string
	TerminationCode string
	// Live marks a run only the REST API knows yet (the system tables arrive about an hour
	// late), or one whose end only the API knows: MergeLiveRuns.
	Live bool
}

// Active reports whether the run has no result yet.
func (r JobRun) Active() bool { return r.ResultState == "" }

// Duration is End-Start, or zero for an active run.
func (r JobRun) Duration() time.Duration {
	if r.End.IsZero() {
		return 0
	}
	return r.End.Sub(r.Start)
}

// Succeeded reports whether the run ended well. SKIPPED counts as neither success nor failure.
func (r JobRun) Succeeded() bool { return r.ResultState == "SUCCEEDED" }

// Failed reports whether the run ended badly.
func (r JobRun) Failed() bool {
	switch r.ResultState {
	case "FAILED", "ERROR", "TIMED_OUT", "CANCELLED":
		return true
	}
	return false
}

// PipelineUpdate is one update of a declarative pipeline.
type PipelineUpdate struct {
	WorkspaceID string
	PipelineID  string
	UpdateID    string
	// Name is the pipeline's name, where the reader resolved it.
	Name        string
	UpdateType  string // FULL_REFRESH, REFRESH, VALIDATE
	TriggerType string
	Start       time.Time
	End         time.Time
	ResultState string // COMPLETED, FAILED, CANCELED; empty while active
	// Live marks an update only the REST API knows yet (the system tables arrive about an
	// hour late), or one whose end only the API knows: MergeLiveUpdates. The API's listing
	// carries no end time: End is then the time of the update's final update_progress
	// event, read with its expectation results, and zero when those were not read.
	Live bool
}

// Failed reports whether the update ended in FAILED.
func (u PipelineUpdate) Failed() bool { return u.ResultState == "FAILED" }

// ExpectationResult is the passed and failed record counts of one expectation on one
// dataset in one pipeline update.
type ExpectationResult struct {
	PipelineID    string
	UpdateID      string
	Dataset       string
	Expectation   string
	PassedRecords int64
	FailedRecords int64
}

// FailureRatio is failed over checked records, 0 when none were checked.
func (e ExpectationResult) FailureRatio() float64 {
	t := e.PassedRecords + e.FailedRecords
	if t == 0 {
		return 0
	}
	return float64(e.FailedRecords) / float64(t)
}

// LineageEdge says that an entity (a job or pipeline run) read Source and wrote Target.
// Either side may be empty: a pure read has no target, a pure write has no source.
type LineageEdge struct {
	Source     string
	Target     string
	EntityType string // JOB, PIPELINE, ...
	EntityID   string
}

// LineageDirection places a table relative to a deployment's resources.
type LineageDirection string

// The parts of a deployment's lineage tree.
const (
	LineageUpstream   LineageDirection = "upstream"   // read by the release's resources
	LineageWritten    LineageDirection = "written"    // written by the release's resources
	LineageDownstream LineageDirection = "downstream" // read from written tables by other entities
)

// LineageTable is one table in a deployment's lineage, with how far it is from the
// release's resources (0 for upstream and written tables, 1 or 2 for consumers).
type LineageTable struct {
	Table     string
	Direction LineageDirection
	Hops      int
	Via       string // the table it was reached from, for downstream tables
	Consumer  string // the entity (job or pipeline id) that reads it, for downstream tables
	// ConsumerName is the consumer's job or pipeline name, where the reader resolved it.
	ConsumerName string
	// BeforeDeploy marks lineage that stands in for the window's: what the release's jobs
	// and pipelines read and wrote in the week before the deploy, while the system tables
	// (about an hour late) hold none of the lineage of its runs and updates since.
	BeforeDeploy bool
}
