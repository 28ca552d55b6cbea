package sim

import "time"

// Kinds of in-flight work (sim_internal.in_flight.kind).
const (
	FlightJob      = "job"
	FlightPipeline = "pipeline"
)

// FlightPlan is the payload of an in_flight row: everything about a run or update that is
// decided when it starts but only becomes visible in the timeline tables when it ends. The
// REST server shows such rows as active (RUNNING) and uses the plan for task lists.
type FlightPlan struct {
	// ResultState is the system-table result the run will end with (SUCCEEDED, FAILED, ...),
	// or for a pipeline update COMPLETED, FAILED or CANCELED.
	ResultState     string            `json:"result_state"`
	TerminationCode string            `json:"termination_code,omitempty"`
	TriggerType     string            `json:"trigger_type"` // system-table vocabulary (CRON, ONETIME, ...)
	RunType         string            `json:"run_type,omitempty"`
	CreatorUserName string            `json:"creator_user_name,omitempty"`
	JobParameters   map[string]string `json:"job_parameters,omitempty"`
	Tasks           []TaskPlan        `json:"tasks,omitempty"`
	// UpdateType is FULL_REFRESH, REFRESH or VALIDATE for pipeline updates.
	UpdateType string `json:"update_type,omitempty"`
	// IdempotencyToken is set for runs started through run-now with a token.
	IdempotencyToken string `json:"idempotency_token,omitempty"`
}

// TaskPlan is one task of a planned job run.
type TaskPlan struct {
	TaskKey     string    `json:"task_key"`
	RunID       string    `json:"run_id"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	ResultState string    `json:"result_state"`
	// PipelineID is set for pipeline tasks.
	PipelineID string `json:"pipeline_id,omitempty"`
}
