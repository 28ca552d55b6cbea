package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// PipelineEvent is one event of a pipeline's event log, with the parts of `details` the
// cockpit uses parsed into fields. (The SDK's typed PipelineEvent has no `details`, so the
// events are read through the raw client into this flat struct.)
type PipelineEvent struct {
	ID            string
	EventType     string // create_update, update_progress, flow_progress, ...
	Level         string // INFO, WARN, ERROR, METRICS
	MaturityLevel string
	Message       string
	Timestamp     time.Time

	PipelineID   string
	PipelineName string
	UpdateID     string
	FlowName     string
	DatasetName  string

	// UpdateState is details.update_progress.state, for update_progress events.
	UpdateState string
	// FlowStatus is details.flow_progress.status, for flow_progress events.
	FlowStatus string
	// NumOutputRows is details.flow_progress.metrics.num_output_rows; HasMetrics says
	// whether the event carried it.
	NumOutputRows int64
	HasMetrics    bool
	// DroppedRecords and Expectations are details.flow_progress.data_quality.
	DroppedRecords int64
	Expectations   []model.ExpectationResult

	// Fatal and Exceptions are the event's error, for failures.
	Fatal      bool
	Exceptions []Exception

	// Details is the raw details object, for what the fields above do not cover.
	Details json.RawMessage
}

// Exception is one exception of an event's error.
type Exception struct {
	ClassName string
	Message   string
}

// rawEvent is the JSON of an event. It must not embed pipelines.PipelineEvent, whose own
// UnmarshalJSON would be promoted and drop `details`.
type rawEvent struct {
	ID            string `json:"id"`
	EventType     string `json:"event_type"`
	Level         string `json:"level"`
	MaturityLevel string `json:"maturity_level"`
	Message       string `json:"message"`
	Timestamp     string `json:"timestamp"`
	Origin        struct {
		PipelineID   string `json:"pipeline_id"`
		PipelineName string `json:"pipeline_name"`
		UpdateID     string `json:"update_id"`
		FlowName     string `json:"flow_name"`
		DatasetName  string `json:"dataset_name"`
	} `json:"origin"`
	Error *struct {
		Fatal      bool `json:"fatal"`
		Exceptions []struct {
			ClassName string `json:"class_name"`
			Message   string `json:"message"`
		} `json:"exceptions"`
	} `json:"error"`
	Details json.RawMessage `json:"details"`
}

type rawDetails struct {
	UpdateProgress *struct {
		State string `json:"state"`
	} `json:"update_progress"`
	FlowProgress *struct {
		Status  string `json:"status"`
		Metrics *struct {
			NumOutputRows *int64 `json:"num_output_rows"`
		} `json:"metrics"`
		DataQuality *struct {
			DroppedRecords int64 `json:"dropped_records"`
			Expectations   []struct {
				Name          string `json:"name"`
				Dataset       string `json:"dataset"`
				PassedRecords int64  `json:"passed_records"`
				FailedRecords int64  `json:"failed_records"`
			} `json:"expectations"`
		} `json:"data_quality"`
	} `json:"flow_progress"`
}

// eventsPageSize is what we ask per page: the CLI's cap, safely under the documented 1000.
// Only tests change it (export_test.go).
var eventsPageSize = 250

// maxEventPages bounds one read (250 000 events) against a server that keeps paging.
const maxEventPages = 1000

// UpdateEvents reads the event log of one pipeline update, oldest first, through all pages.
// The API can filter only on timestamp, id, update_id and level, so the update is the
// filter and eventTypes (create_update, update_progress, flow_progress, ...; none means
// all) are picked out here. Ids must be letters, digits and dashes: they go into the filter.
func (c *Client) UpdateEvents(ctx context.Context, pipelineID, updateID string, eventTypes ...string) ([]PipelineEvent, error) {
	op := fmt.Sprintf("reading the events of update %s of pipeline %s", updateID, pipelineID)
	if err := checkID("pipeline id", pipelineID); err != nil {
		return nil, wrap(err, op)
	}
	if err := checkID("update id", updateID); err != nil {
		return nil, wrap(err, op)
	}
	filter := "update_id = '" + updateID + "'"
	var out []PipelineEvent
	token := ""
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page == maxEventPages {
			return nil, &Error{Op: op, Err: fmt.Errorf("more than %d pages of events", maxEventPages)}
		}
		// The same filter goes with every page (the API refuses a token with another one);
		// order_by never does (the API refuses it with a page token), so pages come newest
		// first and are reversed at the end.
		q := map[string]any{"filter": filter, "max_results": eventsPageSize}
		if token != "" {
			q["page_token"] = token
		}
		var resp struct {
			Events        []rawEvent `json:"events"`
			NextPageToken string     `json:"next_page_token"`
		}
		if err := c.get(ctx, c.api, "/api/2.0/pipelines/"+pipelineID+"/events", q, &resp); err != nil {
			return nil, wrap(err, op)
		}
		for _, r := range resp.Events {
			if len(eventTypes) > 0 && !slices.Contains(eventTypes, r.EventType) {
				continue
			}
			e, err := parseEvent(r)
			if err != nil {
				return nil, &Error{Op: op, Err: err}
			}
			out = append(out, e)
		}
		if resp.NextPageToken == "" || seen[resp.NextPageToken] {
			break
		}
		seen[resp.NextPageToken] = true
		token = resp.NextPageToken
	}
	slices.Reverse(out)
	return out, nil
}

func parseEvent(r rawEvent) (PipelineEvent, error) {
	e := PipelineEvent{
		ID: r.ID, EventType: r.EventType, Level: r.Level, MaturityLevel: r.MaturityLevel, Message: r.Message,
		PipelineID: r.Origin.PipelineID, PipelineName: r.Origin.PipelineName, UpdateID: r.Origin.UpdateID,
		FlowName: r.Origin.FlowName, DatasetName: r.Origin.DatasetName, Details: r.Details,
	}
	if r.Timestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, r.Timestamp)
		if err != nil {
			return PipelineEvent{}, fmt.Errorf("event %s has timestamp %q: %w", r.ID, r.Timestamp, err)
		}
		e.Timestamp = t.UTC()
	}
	if r.Error != nil {
		e.Fatal = r.Error.Fatal
		for _, x := range r.Error.Exceptions {
			e.Exceptions = append(e.Exceptions, Exception{ClassName: x.ClassName, Message: x.Message})
		}
	}
	if len(r.Details) == 0 || string(r.Details) == "null" {
		return e, nil
	}
	var d rawDetails
	if err := json.Unmarshal(r.Details, &d); err != nil {
		return PipelineEvent{}, fmt.Errorf("event %s has details the cockpit cannot read: %w", r.ID, err)
	}
	if d.UpdateProgress != nil {
		e.UpdateState = d.UpdateProgress.State
	}
	if fp := d.FlowProgress; fp != nil {
		e.FlowStatus = fp.Status
		if fp.Metrics != nil && fp.Metrics.NumOutputRows != nil {
			e.NumOutputRows, e.HasMetrics = *fp.Metrics.NumOutputRows, true
		}
		if dq := fp.DataQuality; dq != nil {
			e.DroppedRecords = dq.DroppedRecords
			for _, x := range dq.Expectations {
				ds := x.Dataset
				if ds == "" {
					ds = e.DatasetName
				}
				e.Expectations = append(e.Expectations, model.ExpectationResult{
					PipelineID: e.PipelineID, UpdateID: e.UpdateID, Dataset: ds, Expectation: x.Name,
					PassedRecords: x.PassedRecords, FailedRecords: x.FailedRecords,
				})
			}
		}
	}
	return e, nil
}

// Expectations sums the expectation results of flow_progress events per (dataset,
// expectation), in order of first appearance. Metrics can arrive per micro-batch on
// RUNNING events as well as on COMPLETED ones, so all flow_progress events count.
func Expectations(events []PipelineEvent) []model.ExpectationResult {
	var out []model.ExpectationResult
	idx := map[[2]string]int{}
	for _, e := range events {
		if e.EventType != "flow_progress" {
			continue
		}
		for _, x := range e.Expectations {
			k := [2]string{x.Dataset, x.Expectation}
			i, ok := idx[k]
			if !ok {
				idx[k] = len(out)
				out = append(out, x)
				continue
			}
			out[i].PassedRecords += x.PassedRecords
			out[i].FailedRecords += x.FailedRecords
		}
	}
	return out
}
