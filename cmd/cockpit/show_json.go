package main

import (
	"encoding/json"
	"io"

	"github.com/release-cockpit/cockpit/model"
)

// showJSON is the stable shape of `show -o json`: the deployment as `releases -o json`
// has it, then one key per section of the release screen. A section that could not be read
// is null and its error is in errors.
type showJSON struct {
	Release     releaseJSON       `json:"release"`
	Runs        []runJSON         `json:"runs"`
	Updates     []updateJSON      `json:"updates"`
	Checks      []checkJSON       `json:"checks"`
	DataQuality []qualityJSON     `json:"data_quality"`
	Lineage     *lineageJSON      `json:"lineage"`
	Changes     *model.Changes    `json:"changes"`
	Cost        *costJSON         `json:"cost"`
	Audit       []eventJSON       `json:"audit"`
	Errors      map[string]string `json:"errors"`
	// RowsLeftOut says, per section, how many rows its reads left out and why (model.Skipped):
	// {"runs": "2 rows left out: no run id"}; sections that left nothing out are absent.
	RowsLeftOut map[string]string `json:"rows_left_out"`
}

type runJSON struct {
	JobID           string `json:"job_id"`
	RunID           string `json:"run_id"`
	RunName         string `json:"run_name"`
	Start           string `json:"start"`
	End             string `json:"end,omitempty"`
	ResultState     string `json:"result_state"`
	TerminationCode string `json:"termination_code,omitempty"`
	// Live: only the REST API knows the run (or its end) yet; the system tables arrive later.
	Live bool `json:"live,omitempty"`
}

type updateJSON struct {
	PipelineID  string `json:"pipeline_id"`
	Name        string `json:"name"`
	UpdateID    string `json:"update_id"`
	UpdateType  string `json:"update_type"`
	Start       string `json:"start"`
	End         string `json:"end,omitempty"`
	ResultState string `json:"result_state"`
	Live        bool   `json:"live,omitempty"` // only the REST API knows the update (or its end) yet
}

type checkJSON struct {
	Name      string `json:"name"`
	Phase     string `json:"phase"`
	Outcome   string `json:"outcome"`
	Observed  string `json:"observed,omitempty"`
	Threshold string `json:"threshold,omitempty"`
	NoData    bool   `json:"no_data,omitempty"`
	At        string `json:"at"`
}

type qualityJSON struct {
	PipelineID    string  `json:"pipeline_id"`
	Dataset       string  `json:"dataset"`
	Expectation   string  `json:"expectation"`
	Passed        int64   `json:"passed_records"`
	Failed        int64   `json:"failed_records"`
	FailureRatio  float64 `json:"failure_ratio"`
	BaselineRatio float64 `json:"baseline_ratio"`
	Dropped       bool    `json:"dropped,omitempty"`
	Live          bool    `json:"live,omitempty"` // some of the records are the REST API's alone yet
}

type lineageJSON struct {
	BlastRadius int `json:"blast_radius"`
	// BeforeDeploy: the system tables hold none of the window's lineage yet; the tables are
	// what the release's jobs and pipelines read and wrote in the week before the deploy.
	BeforeDeploy bool               `json:"before_deploy,omitempty"`
	Tables       []lineageTableJSON `json:"tables"`
}

type lineageTableJSON struct {
	Table        string `json:"table"`
	Direction    string `json:"direction"`
	Hops         int    `json:"hops"`
	Via          string `json:"via,omitempty"`
	Consumer     string `json:"consumer,omitempty"`
	ConsumerName string `json:"consumer_name,omitempty"`
}

type costJSON struct {
	DBUs        float64        `json:"dbus"`
	DataThrough string         `json:"billing_data_through"`
	Items       []costItemJSON `json:"items"`
}

type costItemJSON struct {
	ResourceType string  `json:"resource_type"`
	ResourceID   string  `json:"resource_id"`
	ResourceName string  `json:"resource_name"`
	RunID        string  `json:"run_id"`
	DBUs         float64 `json:"dbus"`
}

type eventJSON struct {
	EventID string `json:"event_id"`
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	Actor   string `json:"actor"`
	At      string `json:"at"`
	Ticket  string `json:"ticket,omitempty"`
	Reason  string `json:"reason,omitempty"`
	RunID   int64  `json:"run_id,omitempty"`
	Details string `json:"details,omitempty"`
}

func writeShowJSON(w io.Writer, s *shown) error {
	out := showJSON{Release: toJSON(s.d), Errors: map[string]string{}, RowsLeftOut: map[string]string{}}
	for name, left := range s.leftOut {
		if line := left.Line(); line != "" {
			out.RowsLeftOut[name] = line
		}
	}
	for name, err := range s.errs {
		out.Errors[name] = err.Error()
	}
	if s.errs["runs"] == nil {
		out.Runs, out.Updates = []runJSON{}, []updateJSON{}
		for _, r := range s.runs {
			out.Runs = append(out.Runs, runJSON{r.JobID, r.RunID, r.RunName, timeText(r.Start), timeText(r.End), r.ResultState, r.TerminationCode, r.Live})
		}
		for _, u := range s.updates {
			out.Updates = append(out.Updates, updateJSON{u.PipelineID, u.Name, u.UpdateID, u.UpdateType, timeText(u.Start), timeText(u.End), u.ResultState, u.Live})
		}
	}
	if s.errs["checks"] == nil {
		out.Checks = []checkJSON{}
		for _, c := range s.checks {
			out.Checks = append(out.Checks, checkJSON{c.Name, string(c.Phase), string(c.Outcome), c.Observed, c.Threshold, c.NoData, timeText(c.At)})
		}
	}
	if s.errs["data_quality"] == nil {
		out.DataQuality = []qualityJSON{}
		for _, q := range s.quality {
			out.DataQuality = append(out.DataQuality, qualityJSON{q.PipelineID, q.Dataset, q.Expectation, q.PassedRecords, q.FailedRecords,
				roundRatio(q.FailureRatio()), roundRatio(max(q.BaselineRatio, 0)), q.Dropped, q.Live})
		}
	}
	if s.errs["lineage"] == nil {
		l := &lineageJSON{BlastRadius: model.BlastRadius(s.lineage), BeforeDeploy: model.LineageBeforeDeploy(s.lineage), Tables: []lineageTableJSON{}}
		for _, t := range s.lineage {
			l.Tables = append(l.Tables, lineageTableJSON{t.Table, string(t.Direction), t.Hops, t.Via, t.Consumer, t.ConsumerName})
		}
		out.Lineage = l
	}
	if s.errs["changes"] == nil {
		c := s.changes
		if c.Resources == nil {
			c.Resources = []model.ResourceChange{}
		}
		out.Changes = &c
	}
	if s.errs["cost"] == nil {
		c := &costJSON{DBUs: s.cost.DBUs, DataThrough: timeText(s.cost.DataThrough), Items: []costItemJSON{}}
		for _, it := range s.cost.Items {
			c.Items = append(c.Items, costItemJSON{it.ResourceType, it.ResourceID, it.ResourceName, it.RunID, it.DBUs})
		}
		out.Cost = c
	}
	if s.errs["audit"] == nil {
		out.Audit = []eventJSON{}
		for _, e := range s.audit {
			out.Audit = append(out.Audit, eventJSON{e.EventID, string(e.Kind), e.Status, e.Actor, timeText(e.At), e.Ticket, e.Reason, e.RunID, e.Details})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
