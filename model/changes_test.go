package model

import (
	"reflect"
	"testing"
	"time"
)

func job(id, name string, mod func(*ResourceSettings)) ResourceSettings {
	r := ResourceSettings{Type: ResourceJob, ID: id, Name: name, Schedule: "0 5 * * * ? UTC", TimeoutSeconds: 14400,
		RunAs: "ci", Tags: map[string]string{"team": "ecommerce"}, Health: []string{"RUN_DURATION_SECONDS > 7200"},
		Tasks: []TaskSettings{{Key: "prepare"}, {Key: "refresh", DependsOn: []string{"prepare"}}}}
	if mod != nil {
		mod(&r)
	}
	return r
}

func pipe(id, name string, mod func(*ResourceSettings)) ResourceSettings {
	r := ResourceSettings{Type: ResourcePipeline, ID: id, Name: name, RunAs: "ci",
		Settings: map[string]string{"channel": "CURRENT", "photon": "true"}}
	if mod != nil {
		mod(&r)
	}
	return r
}

func TestDiffSettingsNamesWhatChanged(t *testing.T) {
	cases := []struct {
		name string
		prev []ResourceSettings
		cur  []ResourceSettings
		want []ResourceChange
	}{
		{"nothing changed", []ResourceSettings{job("1", "a", nil)}, []ResourceSettings{job("1", "a", nil)},
			[]ResourceChange{{Type: "job", ID: "1", Name: "a", Change: ChangeNone}}},
		{"a pipeline added, listed before the unchanged job",
			[]ResourceSettings{job("1", "a", nil)},
			[]ResourceSettings{job("1", "a", nil), pipe("p", "backfill", nil)},
			[]ResourceChange{
				{Type: "pipeline", ID: "p", Name: "backfill", Change: ChangeAdded},
				{Type: "job", ID: "1", Name: "a", Change: ChangeNone}}},
		{"a job added with its schedule and tasks", nil, []ResourceSettings{job("1", "a", nil)},
			[]ResourceChange{{Type: "job", ID: "1", Name: "a", Change: ChangeAdded, Fields: []FieldChange{
				{Field: "schedule", To: "0 5 * * * ? UTC"}, {Field: "task", To: "prepare"}, {Field: "task", To: "refresh"}}}}},
		{"a job removed", []ResourceSettings{job("1", "a", nil), job("2", "b", nil)}, []ResourceSettings{job("1", "a", nil)},
			[]ResourceChange{{Type: "job", ID: "2", Name: "b", Change: ChangeRemoved}, {Type: "job", ID: "1", Name: "a", Change: ChangeNone}}},
		{"task added and removed", []ResourceSettings{job("1", "a", nil)},
			[]ResourceSettings{job("1", "a", func(r *ResourceSettings) {
				r.Tasks = []TaskSettings{{Key: "prepare"}, {Key: "validate", DependsOn: []string{"prepare"}}}
			})},
			[]ResourceChange{{Type: "job", ID: "1", Name: "a", Change: ChangeModified, Fields: []FieldChange{
				{Field: "task", To: "validate (after prepare)"}, {Field: "task", From: "refresh"}}}}},
		{"schedule, timeout, run-as, tags, health", []ResourceSettings{job("1", "a", nil)},
			[]ResourceSettings{job("1", "a", func(r *ResourceSettings) {
				r.Schedule = "0 20 * * * ? UTC"
				r.TimeoutSeconds = 21600
				r.RunAs = "etl-runner"
				r.Tags = map[string]string{"team": "ecommerce", "cost_center": "cc-101"}
				r.Health = []string{"RUN_DURATION_SECONDS > 5400"}
			})},
			[]ResourceChange{{Type: "job", ID: "1", Name: "a", Change: ChangeModified, Fields: []FieldChange{
				{Field: "schedule", From: "0 5 * * * ? UTC", To: "0 20 * * * ? UTC"},
				{Field: "timeout", From: "4h", To: "6h"},
				{Field: "run as", From: "ci", To: "etl-runner"},
				{Field: "health", From: "RUN_DURATION_SECONDS > 7200", To: "RUN_DURATION_SECONDS > 5400"},
				{Field: "tag cost_center", To: "cc-101"}}}}},
		{"pipeline setting and paused job", []ResourceSettings{pipe("p", "x", nil), job("1", "a", nil)},
			[]ResourceSettings{pipe("p", "x", func(r *ResourceSettings) { r.Settings = map[string]string{"channel": "PREVIEW", "photon": "true"} }),
				job("1", "a", func(r *ResourceSettings) { r.Paused = true })},
			[]ResourceChange{
				{Type: "job", ID: "1", Name: "a", Change: ChangeModified, Fields: []FieldChange{{Field: "paused", From: "false", To: "true"}}},
				{Type: "pipeline", ID: "p", Name: "x", Change: ChangeModified, Fields: []FieldChange{{Field: "channel", From: "CURRENT", To: "PREVIEW"}}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := DiffSettings(c.prev, c.cur); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestBuildChangesForTheFirstDeploymentComparesNothing(t *testing.T) {
	c := BuildChanges("", time.Time{}, "", "abc1234", "https://github.com/o/r.git", nil, []ResourceSettings{job("1", "a", nil)}, false)
	if c.Summary() != "0 added, 0 removed, 0 changed, 1 unchanged" || c.Git.CompareURL != "" || !c.Known {
		t.Errorf("first deployment: %s, compare %q, known %v", c.Summary(), c.Git.CompareURL, c.Known)
	}
	c = BuildChanges("b@1", time.Time{}, "aaaaaaa", "bbbbbbb", "git@github.com:o/r.git", nil, nil, true)
	if c.Known || c.Git.CompareURL != "https://github.com/o/r/compare/aaaaaaa...bbbbbbb" {
		t.Errorf("no settings rows: known %v, compare %q", c.Known, c.Git.CompareURL)
	}
}

func TestCompareURL(t *testing.T) {
	const a, b = "1a2b3c4d", "5e6f7a8b"
	for _, c := range []struct{ origin, want string }{
		{"https://github.com/example-data/ecommerce-orders.git", "https://github.com/example-data/ecommerce-orders/compare/1a2b3c4d...5e6f7a8b"},
		{"git@github.com:example-data/ecommerce-orders.git", "https://github.com/example-data/ecommerce-orders/compare/1a2b3c4d...5e6f7a8b"},
		{"ssh://git@github.com/o/r", "https://github.com/o/r/compare/1a2b3c4d...5e6f7a8b"},
		{"https://token@gitlab.com/group/sub/r.git", "https://gitlab.com/group/sub/r/-/compare/1a2b3c4d...5e6f7a8b"},
		{"https://dev.azure.com/org/proj/_git/r", "https://dev.azure.com/org/proj/_git/r/branchCompare?baseVersion=GC1a2b3c4d&targetVersion=GC5e6f7a8b"},
		{"https://git.example.com/o/r.git", ""},
		{"not a url", ""},
		{"", ""},
	} {
		if got := CompareURL(c.origin, a, b); got != c.want {
			t.Errorf("CompareURL(%q) = %q, want %q", c.origin, got, c.want)
		}
	}
	if got := CompareURL("https://github.com/o/r", a, a); got != "" {
		t.Errorf("same commit: %q", got)
	}
	if got := CompareURL("https://github.com/o/r", "", b); got != "" {
		t.Errorf("no previous commit: %q", got)
	}
	if got := CompareURL("https://github.com/o/r", "main; rm", b); got != "" {
		t.Errorf("not a commit: %q", got)
	}
}

func TestSeconds(t *testing.T) {
	for s, want := range map[int64]string{0: "", 45: "45s", 3600: "1h", 5400: "1h30m", 21600: "6h", 3661: "1h1m1s"} {
		if got := Seconds(s); got != want {
			t.Errorf("Seconds(%d) = %q, want %q", s, got, want)
		}
	}
}
