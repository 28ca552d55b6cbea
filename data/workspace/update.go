package workspace

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/databricks/databricks-sdk-go/service/pipelines"

	"github.com/release-cockpit/cockpit/model"
)

// GetUpdate reads one update of a pipeline from the updates API. An unknown update is
// ErrNotFound.
func (c *Client) GetUpdate(ctx context.Context, pipelineID, updateID string) (Update, error) {
	op := fmt.Sprintf("reading update %s of pipeline %s", updateID, pipelineID)
	if err := checkID("pipeline id", pipelineID); err != nil {
		return Update{}, wrap(err, op)
	}
	if err := checkID("update id", updateID); err != nil {
		return Update{}, wrap(err, op)
	}
	resp, err := c.w.Pipelines.GetUpdate(ctx, pipelines.GetUpdateRequest{PipelineId: pipelineID, UpdateId: updateID})
	if err != nil {
		return Update{}, wrap(err, op)
	}
	if resp.Update == nil {
		return Update{}, &Error{Op: op, Kind: ErrNotFound, Err: fmt.Errorf("the workspace returned no update")}
	}
	u := resp.Update
	return Update{ID: u.UpdateId, PipelineID: u.PipelineId, Cause: string(u.Cause), State: string(u.State),
		Created: fromMillis(u.CreationTime), FullRefresh: u.FullRefresh, ValidateOnly: u.ValidateOnly}, nil
}

// UpdateDetail reads an update and its whole event log and folds them (FoldUpdate): the
// update screen. workspaceID, when known, goes into the update's URL (?o=).
func (c *Client) UpdateDetail(ctx context.Context, pipelineID, updateID, workspaceID string) (model.UpdateDetail, error) {
	u, err := c.GetUpdate(ctx, pipelineID, updateID)
	if err != nil {
		return model.UpdateDetail{}, err
	}
	events, err := c.UpdateEvents(ctx, pipelineID, updateID)
	if err != nil {
		return model.UpdateDetail{}, err
	}
	d := FoldUpdate(u, events)
	d.URL = UpdateURL(c.Host(), pipelineID, updateID, workspaceID)
	return d, nil
}

// UpdateURL is an update's page in the workspace: <host>/pipelines/<id>/updates/<id>, with
// ?o=<workspace id> when it is known (as run page URLs carry it).
func UpdateURL(host, pipelineID, updateID, workspaceID string) string {
	u := strings.TrimRight(host, "/") + "/pipelines/" + url.PathEscape(pipelineID) + "/updates/" + url.PathEscape(updateID)
	if workspaceID != "" {
		u += "?o=" + url.QueryEscape(workspaceID)
	}
	return u
}

// FoldUpdate makes the update screen's account of an update from the updates API and its
// event log (oldest first): the state (the API's, or the last update_progress state when
// the API said nothing), when it ended, why it failed (the ERROR events of the update
// itself: message and exceptions), the expectation results summed over flow_progress
// events (Expectations), each flow's last status and output rows, and the warnings and
// errors of flows.
func FoldUpdate(u Update, events []PipelineEvent) model.UpdateDetail {
	d := model.UpdateDetail{PipelineID: u.PipelineID, UpdateID: u.ID, State: u.State, Cause: u.Cause,
		FullRefresh: u.FullRefresh, ValidateOnly: u.ValidateOnly, Created: u.Created, Events: len(events)}
	flows := map[string]int{}
	lastState := ""
	for _, e := range events {
		if d.PipelineName == "" {
			d.PipelineName = e.PipelineName
		}
		if d.PipelineID == "" {
			d.PipelineID = e.PipelineID
		}
		switch {
		case e.EventType == "update_progress" && e.UpdateState != "":
			lastState = e.UpdateState
			switch e.UpdateState {
			case "COMPLETED", "FAILED", "CANCELED":
				d.Ended = e.Timestamp
			}
		case e.EventType == "flow_progress" && e.FlowName != "":
			i, ok := flows[e.FlowName]
			if !ok {
				i = len(d.Flows)
				flows[e.FlowName] = i
				d.Flows = append(d.Flows, model.FlowState{Name: e.FlowName, Dataset: e.DatasetName})
			}
			f := &d.Flows[i]
			if e.FlowStatus != "" {
				f.Status = e.FlowStatus
			}
			if e.HasMetrics {
				f.OutputRows, f.HasRows = f.OutputRows+e.NumOutputRows, true
			}
			f.At = e.Timestamp
		}
		if e.Level != "ERROR" && e.Level != "WARN" {
			continue
		}
		text := eventText(e)
		if e.FlowName != "" {
			d.FlowErrors = append(d.FlowErrors, model.FlowError{Flow: e.FlowName, Dataset: e.DatasetName, Level: e.Level, Message: text, At: e.Timestamp})
		} else if e.Level == "ERROR" {
			d.Failure = append(d.Failure, text)
		}
	}
	if d.State == "" {
		d.State = lastState
	}
	d.Expectations = Expectations(events)
	return d
}

// eventText is an event's message with its exceptions ("ClassName: message").
func eventText(e PipelineEvent) string {
	parts := []string{}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	for _, x := range e.Exceptions {
		s := x.Message
		if x.ClassName != "" {
			s = x.ClassName + ": " + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}
