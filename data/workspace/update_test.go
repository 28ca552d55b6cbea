package workspace_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

func TestFoldUpdateSaysWhyAnUpdateFailedAndWhatItsFlowsDid(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	exp := func(ds, name string, passed, failed int64) model.ExpectationResult {
		return model.ExpectationResult{PipelineID: "p", UpdateID: "u", Dataset: ds, Expectation: name, PassedRecords: passed, FailedRecords: failed}
	}
	events := []workspace.PipelineEvent{
		{EventType: "create_update", Level: "INFO", Message: "Update u started by JOB_TASK.", Timestamp: at(0), PipelineID: "p", PipelineName: "orders-dlt"},
		{EventType: "update_progress", Level: "INFO", UpdateState: "RUNNING", Timestamp: at(5)},
		{EventType: "flow_progress", Level: "INFO", FlowName: "orders_clean", DatasetName: "c.s.orders_clean", FlowStatus: "RUNNING", Timestamp: at(10),
			HasMetrics: true, NumOutputRows: 10, Expectations: []model.ExpectationResult{exp("c.s.orders_clean", "valid_id", 8, 2)}},
		{EventType: "flow_progress", Level: "ERROR", FlowName: "orders_clean", DatasetName: "c.s.orders_clean", FlowStatus: "FAILED", Timestamp: at(20),
			Message: "Flow 'orders_clean' has FAILED.", HasMetrics: true, NumOutputRows: 5,
			Expectations: []model.ExpectationResult{exp("c.s.orders_clean", "valid_id", 2, 3)},
			Exceptions:   []workspace.Exception{{ClassName: "DLTSparkException", Message: "[EXPECTATIONS_VIOLATION] valid_id"}}},
		{EventType: "flow_progress", Level: "WARN", FlowName: "orders_summary", FlowStatus: "SKIPPED", Timestamp: at(21), Message: "Flow 'orders_summary' was skipped."},
		{EventType: "update_progress", Level: "ERROR", UpdateState: "FAILED", Timestamp: at(30), Message: "Update u is FAILED.",
			Exceptions: []workspace.Exception{{ClassName: "SparkException", Message: "Job aborted"}}},
	}
	cases := []struct {
		name  string
		state string
		want  func(d model.UpdateDetail) string
	}{
		{"the API's state wins", "FAILED", func(d model.UpdateDetail) string {
			if d.State != "FAILED" || d.Active() || d.SystemResultState() != "FAILED" {
				return "state " + d.State
			}
			return ""
		}},
		{"without the API's state, the last update_progress", "", func(d model.UpdateDetail) string {
			if d.State != "FAILED" {
				return "state " + d.State
			}
			return ""
		}},
		{"the failure is the update's own error with its exception", "FAILED", func(d model.UpdateDetail) string {
			if !reflect.DeepEqual(d.Failure, []string{"Update u is FAILED. SparkException: Job aborted"}) || !d.Ended.Equal(at(30)) {
				return "failure " + strings.Join(d.Failure, "|") + " ended " + d.Ended.String()
			}
			return ""
		}},
		{"expectations are summed over flow_progress events", "FAILED", func(d model.UpdateDetail) string {
			if !reflect.DeepEqual(d.Expectations, []model.ExpectationResult{exp("c.s.orders_clean", "valid_id", 10, 5)}) {
				return "expectations wrong"
			}
			return ""
		}},
		{"each flow has its last status and its rows", "FAILED", func(d model.UpdateDetail) string {
			want := []model.FlowState{
				{Name: "orders_clean", Dataset: "c.s.orders_clean", Status: "FAILED", OutputRows: 15, HasRows: true, At: at(20)},
				{Name: "orders_summary", Status: "SKIPPED", At: at(21)},
			}
			if !reflect.DeepEqual(d.Flows, want) {
				return "flows wrong"
			}
			return ""
		}},
		{"flow warnings and errors are listed with their exceptions", "FAILED", func(d model.UpdateDetail) string {
			want := []model.FlowError{
				{Flow: "orders_clean", Dataset: "c.s.orders_clean", Level: "ERROR", Message: "Flow 'orders_clean' has FAILED. DLTSparkException: [EXPECTATIONS_VIOLATION] valid_id", At: at(20)},
				{Flow: "orders_summary", Level: "WARN", Message: "Flow 'orders_summary' was skipped.", At: at(21)},
			}
			if !reflect.DeepEqual(d.FlowErrors, want) {
				return "flow errors wrong"
			}
			return ""
		}},
		{"the pipeline's name comes from the events", "FAILED", func(d model.UpdateDetail) string {
			if d.PipelineName != "orders-dlt" || d.Events != len(events) {
				return "name " + d.PipelineName
			}
			return ""
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := workspace.FoldUpdate(workspace.Update{ID: "u", PipelineID: "p", State: tc.state, Cause: "JOB_TASK"}, events)
			if msg := tc.want(d); msg != "" {
				t.Errorf("%s: %+v", msg, d)
			}
		})
	}
}

func TestUpdateURLNamesThePipelineTheUpdateAndTheWorkspace(t *testing.T) {
	if got := workspace.UpdateURL("https://adb-1.2.azuredatabricks.net/", "p-1", "u-2", "123"); got != "https://adb-1.2.azuredatabricks.net/pipelines/p-1/updates/u-2?o=123" {
		t.Errorf("got %s", got)
	}
	if got := workspace.UpdateURL("https://h", "p", "u", ""); got != "https://h/pipelines/p/updates/u" {
		t.Errorf("got %s", got)
	}
}

// Against the simulation: the newest failed update of prod reads with its state, its
// exception and a URL on the workspace's host.
func TestUpdateDetailOfAFailedUpdate(t *testing.T) {
	c := clientAs(t, oncallToken)
	failed := [][2]string{newestFailedUpdate(t)}
	d, err := c.UpdateDetail(ctx(t), failed[0][0], failed[0][1], prodWS)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != "FAILED" || len(d.Failure) == 0 || d.PipelineName == "" || d.Events == 0 || d.Ended.IsZero() {
		t.Errorf("update detail: %+v", d)
	}
	if want := c.Host() + "/pipelines/" + failed[0][0] + "/updates/" + failed[0][1] + "?o=" + prodWS; d.URL != want {
		t.Errorf("URL %s, want %s", d.URL, want)
	}
	if _, err := c.UpdateDetail(ctx(t), failed[0][0], "00000000-0000-0000-0000-000000000000", prodWS); err == nil {
		t.Error("an unknown update read without an error")
	}
}
