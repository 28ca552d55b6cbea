package sim

import (
	"fmt"
)

// restRun is a run in the JSON shape of the Jobs API (BaseRun / Run).
type restRun struct {
	JobID                int64       `json:"job_id"`
	RunID                int64       `json:"run_id"`
	NumberInJob          int64       `json:"number_in_job"`
	OriginalAttemptRunID int64       `json:"original_attempt_run_id"`
	AttemptNumber        int         `json:"attempt_number"`
	CreatorUserName      string      `json:"creator_user_name,omitempty"`
	RunName              string      `json:"run_name,omitempty"`
	RunPageURL           string      `json:"run_page_url"`
	RunType              string      `json:"run_type"`
	Trigger              string      `json:"trigger,omitempty"`
	StartTime            int64       `json:"start_time"`
	EndTime              int64       `json:"end_time"`
	RunDuration          int64       `json:"run_duration,omitempty"`
	State                restState   `json:"state"`
	Status               restStatus  `json:"status"`
	JobParameters        []restParam `json:"job_parameters,omitempty"`
	Tasks                []restTask  `json:"tasks,omitempty"`
}

type restState struct {
	LifeCycleState          string `json:"life_cycle_state"`
	ResultState             string `json:"result_state,omitempty"`
	StateMessage            string `json:"state_message"`
	UserCancelledOrTimedout bool   `json:"user_cancelled_or_timedout"`
}

type restStatus struct {
	State              string           `json:"state"`
	TerminationDetails *restTermination `json:"termination_details,omitempty"`
}

type restTermination struct {
	Code    string `json:"code"`
	Type    string `json:"type"`
	Message string `json:"message"`
}

type restParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type restTask struct {
	TaskKey       string          `json:"task_key"`
	RunID         int64           `json:"run_id"`
	AttemptNumber int             `json:"attempt_number"`
	StartTime     int64           `json:"start_time"`
	EndTime       int64           `json:"end_time"`
	RunDuration   int64           `json:"run_duration,omitempty"`
	State         restState       `json:"state"`
	Status        restStatus      `json:"status"`
	RunPageURL    string          `json:"run_page_url"`
	DependsOn     []restDependsOn `json:"depends_on,omitempty"`
	PipelineTask  *restPipeTask   `json:"pipeline_task,omitempty"`
}

type restDependsOn struct {
	TaskKey string `json:"task_key"`
}

type restPipeTask struct {
	PipelineID string `json:"pipeline_id"`
}

func (srv *Server) runPageURL(jobID, runID string) string {
	return fmt.Sprintf("%s/?o=%s#job/%s/run/%s", srv.url, srv.wsid, jobID, runID)
}

func (srv *Server) restRun(r jobRun) restRun {
	st, status := restStateOf(r.result, r.termCode, r.active() && !r.pending, r.pending)
	if r.pending {
		st.StateMessage = "Waiting for the run to start"
	}
	if r.message != "" {
		st.StateMessage = r.message
		if status.TerminationDetails != nil {
			status.TerminationDetails.Message = r.message
		}
	}
	out := restRun{
		JobID: atoi64(r.jobID), RunID: atoi64(r.runID), NumberInJob: atoi64(r.runID),
		OriginalAttemptRunID: atoi64(r.runID), CreatorUserName: r.creator, RunName: r.name,
		RunPageURL: srv.runPageURL(r.jobID, r.runID), RunType: orDefault(r.runType, "JOB_RUN"),
		Trigger: restTrigger(r.trigger), StartTime: ms(r.start), EndTime: ms(r.end),
		State: st, Status: status,
	}
	if !r.end.IsZero() {
		out.RunDuration = r.end.Sub(r.start).Milliseconds()
	}
	for _, k := range sortedKeys(r.params) {
		out.JobParameters = append(out.JobParameters, restParam{Name: k, Value: r.params[k]})
	}
	return out
}

// restStateOf maps a system-table result_state (and termination_code) to the Jobs API's
// state and status. pending is for tasks of an active run that have not started.
func restStateOf(result, termCode string, active, pending bool) (restState, restStatus) {
	switch {
	case pending:
		return restState{LifeCycleState: "PENDING", StateMessage: "Waiting for upstream tasks"}, restStatus{State: "PENDING"}
	case active:
		return restState{LifeCycleState: "RUNNING", StateMessage: "In run"}, restStatus{State: "RUNNING"}
	}
	term := func(code, typ, msg string) restStatus {
		if c := restTerminationCode(termCode); c != "" && c != "SUCCESS" && code != "SUCCESS" {
			code = c
		}
		return restStatus{State: "TERMINATED", TerminationDetails: &restTermination{Code: code, Type: typ, Message: msg}}
	}
	switch result {
	case "SUCCEEDED":
		return restState{LifeCycleState: "TERMINATED", ResultState: "SUCCESS"}, term("SUCCESS", "SUCCESS", "")
	case "FAILED":
		msg := "Workload failed, see run output for details"
		return restState{LifeCycleState: "TERMINATED", ResultState: "FAILED", StateMessage: msg}, term("RUN_EXECUTION_ERROR", "CLIENT_ERROR", msg)
	case "TIMED_OUT":
		msg := "Run timed out"
		return restState{LifeCycleState: "TERMINATED", ResultState: "TIMEDOUT", StateMessage: msg, UserCancelledOrTimedout: true}, term("RUN_EXECUTION_ERROR", "CLIENT_ERROR", msg)
	case "CANCELLED":
		msg := "Run cancelled"
		return restState{LifeCycleState: "TERMINATED", ResultState: "CANCELED", StateMessage: msg, UserCancelledOrTimedout: true}, term("CANCELED", "SUCCESS", msg)
	case "ERROR":
		msg := "An internal error occurred; the run did not complete"
		return restState{LifeCycleState: "INTERNAL_ERROR", ResultState: "FAILED", StateMessage: msg}, term("INTERNAL_ERROR", "INTERNAL_ERROR", msg)
	case "SKIPPED", "BLOCKED":
		msg := "Run skipped"
		if result == "BLOCKED" {
			msg = "Run blocked"
		}
		return restState{LifeCycleState: "SKIPPED", StateMessage: msg}, term("SKIPPED", "SUCCESS", msg)
	}
	msg := "Run ended in " + result
	return restState{LifeCycleState: "TERMINATED", ResultState: "FAILED", StateMessage: msg}, term("RUN_EXECUTION_ERROR", "CLIENT_ERROR", msg)
}

// restTerminationCode maps a system-table termination_code to the REST one ("" if unknown).
func restTerminationCode(code string) string {
	switch code {
	case "CANCELLED":
		return "CANCELED"
	case "SUCCESS", "SKIPPED", "DRIVER_ERROR", "CLUSTER_ERROR", "RUN_EXECUTION_ERROR", "STORAGE_ACCESS_ERROR",
		"UNAUTHORIZED_ERROR", "LIBRARY_INSTALLATION_ERROR", "CLOUD_FAILURE", "INTERNAL_ERROR",
		"INVALID_CLUSTER_REQUEST", "INVALID_RUN_CONFIGURATION", "RESOURCE_NOT_FOUND", "USER_CANCELED",
		"MAX_CONCURRENT_RUNS_EXCEEDED", "REPOSITORY_CHECKOUT_FAILED", "WORKSPACE_RUN_LIMIT_EXCEEDED":
		return code
	}
	return ""
}

// restTrigger maps a system-table trigger_type to the Jobs API's TriggerType.
func restTrigger(t string) string {
	switch t {
	case "CRON":
		return "PERIODIC"
	case "ONETIME":
		return "ONE_TIME"
	case "ONETIME_RETRY":
		return "RETRY"
	case "TABLE_UPDATE":
		return "TABLE"
	}
	return t
}
