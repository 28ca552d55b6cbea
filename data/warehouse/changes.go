package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

//go:embed changes.sql
var changesSQL string

// DeploymentSettings are the settings of a bundle's resources at a deployment and at the
// previous deployment of the bundle in the environment (read from the SCD2 system tables),
// what the previous deployment was, and the bundle's metadata.json path.
type DeploymentSettings struct {
	HasPrevious     bool
	PreviousRelease string
	PreviousAt      time.Time
	PreviousSHA     string
	Previous        []model.ResourceSettings
	Current         []model.ResourceSettings
	// MetadataPath is the bundle's metadata.json, as its jobs' deployment column names it.
	MetadataPath string
}

// DeploymentSettings reads what the deployment's and the previous deployment's resources
// were, for model.BuildChanges.
func (s *Store) DeploymentSettings(ctx context.Context, env Env, d model.Deployment) (DeploymentSettings, error) {
	var out DeploymentSettings
	if err := env.validate(); err != nil {
		return out, err
	}
	prev, ok, err := s.previousDeployment(ctx, env, d)
	if err != nil {
		return out, err
	}
	before := epoch
	if ok {
		out.HasPrevious, out.PreviousRelease, out.PreviousAt, out.PreviousSHA = true, prev.ReleaseID, prev.DeployedAt, prev.GitSHA
		before = prev.DeployedAt
	}
	suffix := "/.bundle/" + d.Release.Bundle + "/" + env.Name + "/state/metadata.json"
	args := []any{ts(before), ts(d.DeployedAt), env.Name, d.Release.ID(), prev.ReleaseID,
		env.WorkspaceID, suffix, suffix, env.WorkspaceID, env.WorkspaceID, env.WorkspaceID}
	snaps := [2]map[string]*model.ResourceSettings{{}, {}}
	var tasks []taskRow
	err = s.query(ctx, "reading the settings of "+d.Release.ID()+"'s jobs and pipelines", changesSQL, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 14)
		if err != nil {
			return err
		}
		snap, _ := integer(v[0])
		if snap != 0 && snap != 1 {
			return nil
		}
		if snap == 0 && !ok {
			return nil
		}
		id, hasID := present(v[2])
		if !hasID || truth(v[5]) {
			return nil
		}
		switch text(v[1]) {
		case "task":
			key, hasKey := present(v[4])
			if hasKey {
				timeout, _ := integer(v[7])
				tasks = append(tasks, taskRow{snap: int(snap), job: id, t: model.TaskSettings{Key: key, DependsOn: jsonStrings(text(v[10])), TimeoutSeconds: timeout}})
			}
		case "job":
			r := decodeJobSettings(id, v)
			snaps[snap][model.ResourceJob+"|"+id] = &r
			if p := text(v[13]); p != "" && snap == 1 {
				out.MetadataPath = p
			}
		case "pipeline":
			r := decodePipelineSettings(id, v)
			snaps[snap][model.ResourcePipeline+"|"+id] = &r
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	for _, t := range tasks {
		if r := snaps[t.snap][model.ResourceJob+"|"+t.job]; r != nil {
			r.Tasks = append(r.Tasks, t.t)
		}
	}
	out.Previous, out.Current = settingsList(snaps[0]), settingsList(snaps[1])
	return out, nil
}

type taskRow struct {
	snap int
	job  string
	t    model.TaskSettings
}

func settingsList(m map[string]*model.ResourceSettings) []model.ResourceSettings {
	out := make([]model.ResourceSettings, 0, len(m))
	for _, r := range m {
		sort.Slice(r.Tasks, func(i, j int) bool { return r.Tasks[i].Key < r.Tasks[j].Key })
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type+out[i].ID < out[j].Type+out[j].ID })
	return out
}

// decodeJobSettings reads a job row: name, paused, timeout, run-as, trigger type and
// trigger, tags and health rules (JSON text).
func decodeJobSettings(id string, v []any) model.ResourceSettings {
	r := model.ResourceSettings{Type: model.ResourceJob, ID: id, Name: text(v[3]), Paused: truth(v[6]), RunAs: text(v[8]),
		Tags: jsonMap(text(v[11]))}
	r.TimeoutSeconds, _ = integer(v[7])
	r.Schedule, r.Trigger = decodeTrigger(text(v[10]))
	var rules []struct {
		Metric   string          `json:"metric"`
		Operator string          `json:"operator"`
		Value    json.RawMessage `json:"value"`
	}
	_ = json.Unmarshal([]byte(text(v[12])), &rules)
	for _, h := range rules {
		if h.Metric != "" {
			r.Health = append(r.Health, h.Metric+" "+operatorText(h.Operator)+" "+strings.Trim(string(h.Value), `"`))
		}
	}
	sort.Strings(r.Health)
	return r
}

func operatorText(op string) string {
	switch op {
	case "GREATER_THAN":
		return ">"
	case "LESS_THAN":
		return "<"
	}
	return op
}

// decodeTrigger reads the jobs table's trigger struct: the schedule ("cron zone", paused
// or not is a column of its own) or the other kinds of trigger, in words.
func decodeTrigger(js string) (schedule, other string) {
	var t struct {
		Schedule *struct {
			Cron string `json:"quartz_cron_expression"`
			Zone string `json:"timezone_id"`
		} `json:"schedule"`
		Periodic *struct {
			Interval json.RawMessage `json:"interval"`
			Units    string          `json:"units"`
		} `json:"periodic"`
		Continuous *struct {
			Enabled bool `json:"enabled"`
		} `json:"continuous"`
		FileArrival *struct {
			URL string `json:"url"`
		} `json:"file_arrival"`
		TableUpdate *struct {
			Tables []string `json:"table_names"`
		} `json:"table_update"`
	}
	if json.Unmarshal([]byte(js), &t) != nil {
		return "", ""
	}
	if t.Schedule != nil && t.Schedule.Cron != "" {
		schedule = strings.TrimSpace(t.Schedule.Cron + " " + t.Schedule.Zone)
	}
	switch {
	case t.Periodic != nil && len(t.Periodic.Interval) > 0 && string(t.Periodic.Interval) != "null":
		other = "every " + string(t.Periodic.Interval) + " " + strings.ToLower(t.Periodic.Units)
	case t.Continuous != nil && t.Continuous.Enabled:
		other = "continuous"
	case t.FileArrival != nil && t.FileArrival.URL != "":
		other = "file arrival at " + t.FileArrival.URL
	case t.TableUpdate != nil && len(t.TableUpdate.Tables) > 0:
		other = "update of " + strings.Join(t.TableUpdate.Tables, ", ")
	}
	return schedule, other
}

// decodePipelineSettings reads a pipeline row: its settings struct and configuration map
// become Settings ("configuration." before configuration keys).
func decodePipelineSettings(id string, v []any) model.ResourceSettings {
	r := model.ResourceSettings{Type: model.ResourcePipeline, ID: id, Name: text(v[3]), RunAs: text(v[8]),
		Tags: jsonMap(text(v[11])), Settings: map[string]string{}}
	var settings map[string]any
	_ = json.Unmarshal([]byte(text(v[10])), &settings)
	for k, x := range settings {
		if x != nil {
			r.Settings[k] = scalarText(x)
		}
	}
	for k, x := range jsonMap(text(v[12])) {
		r.Settings["configuration."+k] = x
	}
	if t := text(v[9]); t != "" {
		r.Settings["type"] = t
	}
	return r
}

// jsonMap reads a JSON object of scalars (a map column) as text values.
func jsonMap(js string) map[string]string {
	var m map[string]any
	if json.Unmarshal([]byte(js), &m) != nil || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if v != nil {
			out[k] = scalarText(v)
		}
	}
	return out
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// jsonStrings reads a JSON array of strings; nil for anything else.
func jsonStrings(js string) []string {
	var out []string
	if json.Unmarshal([]byte(js), &out) != nil || len(out) == 0 {
		return nil
	}
	return out
}
