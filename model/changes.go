package model

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ResourceSettings is what a job or pipeline of a bundle was at a deployment: the latest
// row of its SCD2 system table (system.lakeflow.jobs, job_tasks, pipelines) at the deploy.
type ResourceSettings struct {
	Type string // ResourceJob or ResourcePipeline
	ID   string
	Name string
	// Jobs.
	Tasks          []TaskSettings // by key
	Schedule       string         // quartz cron and time zone; "" when the job has none
	Trigger        string         // another trigger: file arrival, periodic, continuous, table update
	Paused         bool
	TimeoutSeconds int64
	Health         []string // "RUN_DURATION_SECONDS > 7200", sorted
	// Jobs and pipelines.
	RunAs string
	Tags  map[string]string
	// Settings are a pipeline's settings and configuration (configuration keys prefixed
	// "configuration."), as the system table carries them, values as text.
	Settings map[string]string
}

// Resource types of a release.
const (
	ResourceJob      = "job"
	ResourcePipeline = "pipeline"
)

// TaskSettings is one task of a job.
type TaskSettings struct {
	Key            string
	DependsOn      []string
	TimeoutSeconds int64
}

// How a resource differs from the previous deployment.
const (
	ChangeAdded    = "added"
	ChangeRemoved  = "removed"
	ChangeModified = "changed"
	ChangeNone     = "unchanged"
)

// FieldChange is one setting that differs: From is "" when it was not set, To "" when it
// no longer is.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// ResourceChange is how one job or pipeline of the release differs from the previous
// deployment of the bundle in the environment.
type ResourceChange struct {
	Type   string        `json:"type"`
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Change string        `json:"change"`
	Fields []FieldChange `json:"fields,omitempty"`
}

// GitRange is the commits between the previous deployment and this one; CompareURL is a
// link comparing them where the origin's host is known.
type GitRange struct {
	From       string `json:"from"`
	To         string `json:"to"`
	OriginURL  string `json:"origin_url,omitempty"`
	CompareURL string `json:"compare_url,omitempty"`
}

// Changes is what changed in a deployment against the previous deployment of the same
// bundle in the same environment.
type Changes struct {
	// Previous is the previous deployment's release id; "" for the bundle's first.
	Previous   string    `json:"previous_release_id"`
	PreviousAt time.Time `json:"previous_deployed_at"`
	Git        GitRange  `json:"git"`
	// Resources are changed ones first (added, removed, changed), then unchanged, each by
	// type and name.
	Resources []ResourceChange `json:"resources"`
	// Known is false when the system tables hold no settings of the release's resources
	// at the deploy (rows older than they keep, or resources they do not cover).
	Known bool `json:"settings_known"`
}

// Counts are how many resources were added, removed, changed and left unchanged.
func (c Changes) Counts() (added, removed, changed, unchanged int) {
	for _, r := range c.Resources {
		switch r.Change {
		case ChangeAdded:
			added++
		case ChangeRemoved:
			removed++
		case ChangeModified:
			changed++
		default:
			unchanged++
		}
	}
	return
}

// Summary is one line: "1 added, 0 removed, 2 changed, 4 unchanged".
func (c Changes) Summary() string {
	a, r, m, u := c.Counts()
	return fmt.Sprintf("%d added, %d removed, %d changed, %d unchanged", a, r, m, u)
}

// BuildChanges compares the settings of a deployment's resources (cur) with those at the
// previous deployment (prev; hasPrev false for the bundle's first deployment, where every
// resource counts as unchanged: nothing to compare with).
func BuildChanges(prevRelease string, prevAt time.Time, prevSHA, sha, origin string, prev, cur []ResourceSettings, hasPrev bool) Changes {
	c := Changes{Previous: prevRelease, PreviousAt: prevAt, Known: len(cur) > 0,
		Git: GitRange{From: prevSHA, To: sha, OriginURL: origin, CompareURL: CompareURL(origin, prevSHA, sha)}}
	if !hasPrev {
		prev = cur
	}
	c.Resources = DiffSettings(prev, cur)
	return c
}

// DiffSettings compares two sets of resource settings by type and id.
func DiffSettings(prev, cur []ResourceSettings) []ResourceChange {
	type key struct{ typ, id string }
	before := make(map[key]ResourceSettings, len(prev))
	for _, p := range prev {
		before[key{p.Type, p.ID}] = p
	}
	seen := map[key]bool{}
	var out []ResourceChange
	for _, c := range cur {
		k := key{c.Type, c.ID}
		seen[k] = true
		p, ok := before[k]
		if !ok {
			out = append(out, ResourceChange{Type: c.Type, ID: c.ID, Name: c.Name, Change: ChangeAdded, Fields: describe(c)})
			continue
		}
		fields := diffResource(p, c)
		ch := ChangeNone
		if len(fields) > 0 {
			ch = ChangeModified
		}
		out = append(out, ResourceChange{Type: c.Type, ID: c.ID, Name: c.Name, Change: ch, Fields: fields})
	}
	for _, p := range prev {
		if !seen[key{p.Type, p.ID}] {
			out = append(out, ResourceChange{Type: p.Type, ID: p.ID, Name: p.Name, Change: ChangeRemoved})
		}
	}
	rank := map[string]int{ChangeAdded: 0, ChangeRemoved: 1, ChangeModified: 2, ChangeNone: 3}
	slices.SortStableFunc(out, func(a, b ResourceChange) int {
		if d := rank[a.Change] - rank[b.Change]; d != 0 {
			return d
		}
		if a.Type != b.Type {
			return strings.Compare(a.Type, b.Type)
		}
		if a.Name != b.Name {
			return strings.Compare(a.Name, b.Name)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// describe is what an added job brings: its schedule or trigger and its tasks. An added
// pipeline is just new (its settings are the workspace's defaults and the bundle's).
func describe(r ResourceSettings) []FieldChange {
	var out []FieldChange
	add := func(f, v string) {
		if v != "" {
			out = append(out, FieldChange{Field: f, To: v})
		}
	}
	add("schedule", r.Schedule)
	add("trigger", r.Trigger)
	for _, t := range r.Tasks {
		add("task", t.Key)
	}
	return out
}

// diffResource lists the settings that differ between two versions of one resource.
func diffResource(p, c ResourceSettings) []FieldChange {
	var out []FieldChange
	add := func(f, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: f, From: from, To: to})
		}
	}
	add("name", p.Name, c.Name)
	add("schedule", p.Schedule, c.Schedule)
	add("trigger", p.Trigger, c.Trigger)
	if p.Type == ResourceJob {
		add("paused", strconv.FormatBool(p.Paused), strconv.FormatBool(c.Paused))
	}
	add("timeout", Seconds(p.TimeoutSeconds), Seconds(c.TimeoutSeconds))
	add("run as", p.RunAs, c.RunAs)
	add("health", strings.Join(p.Health, "; "), strings.Join(c.Health, "; "))
	out = append(out, diffTasks(p.Tasks, c.Tasks)...)
	out = append(out, diffMap("tag ", p.Tags, c.Tags)...)
	out = append(out, diffMap("", p.Settings, c.Settings)...)
	return out
}

// diffTasks lists tasks added and removed, and the dependencies and timeouts that changed.
func diffTasks(prev, cur []TaskSettings) []FieldChange {
	var out []FieldChange
	before := map[string]TaskSettings{}
	for _, t := range prev {
		before[t.Key] = t
	}
	now := map[string]bool{}
	for _, t := range cur {
		now[t.Key] = true
		p, ok := before[t.Key]
		if !ok {
			to := t.Key
			if len(t.DependsOn) > 0 {
				to += " (after " + strings.Join(t.DependsOn, ", ") + ")"
			}
			out = append(out, FieldChange{Field: "task", To: to})
			continue
		}
		if a, b := strings.Join(p.DependsOn, ", "), strings.Join(t.DependsOn, ", "); a != b {
			out = append(out, FieldChange{Field: "task " + t.Key + " after", From: a, To: b})
		}
		if p.TimeoutSeconds != t.TimeoutSeconds {
			out = append(out, FieldChange{Field: "task " + t.Key + " timeout", From: Seconds(p.TimeoutSeconds), To: Seconds(t.TimeoutSeconds)})
		}
	}
	for _, t := range prev {
		if !now[t.Key] {
			out = append(out, FieldChange{Field: "task", From: t.Key})
		}
	}
	return out
}

// diffMap lists the keys whose values differ, by key.
func diffMap(prefix string, prev, cur map[string]string) []FieldChange {
	keys := slices.Sorted(maps.Keys(prev))
	for k := range cur {
		if _, ok := prev[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []FieldChange
	for _, k := range keys {
		if prev[k] != cur[k] {
			out = append(out, FieldChange{Field: prefix + k, From: prev[k], To: cur[k]})
		}
	}
	return out
}

// Seconds is a duration in seconds the way people say it: "4h", "1h30m", "45s"; "" for 0
// (not set).
func Seconds(s int64) string {
	if s <= 0 {
		return ""
	}
	d := time.Duration(s) * time.Second
	h, m, sec := int64(d/time.Hour), int64(d%time.Hour/time.Minute), int64(d%time.Minute/time.Second)
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if sec > 0 {
		fmt.Fprintf(&b, "%ds", sec)
	}
	return b.String()
}

// CompareURL is a web link comparing two commits of a git origin, for GitHub, GitLab and
// Azure DevOps hosts (https or scp-like ssh URLs); "" when the host is another, a commit
// is missing or both are the same.
func CompareURL(origin, from, to string) string {
	if origin == "" || from == "" || to == "" || from == to || !isHex(from) || !isHex(to) {
		return ""
	}
	host, path, ok := splitOrigin(origin)
	if !ok {
		return ""
	}
	switch {
	case host == "github.com" || strings.HasPrefix(host, "github."):
		return "https://" + host + "/" + path + "/compare/" + from + "..." + to
	case host == "gitlab.com" || strings.HasPrefix(host, "gitlab."):
		return "https://" + host + "/" + path + "/-/compare/" + from + "..." + to
	case host == "dev.azure.com" && strings.Contains(path, "/_git/"):
		return "https://" + host + "/" + path + "/branchCompare?baseVersion=GC" + from + "&targetVersion=GC" + to
	}
	return ""
}

// splitOrigin turns https://host/path.git, ssh://git@host/path.git and git@host:path.git
// into host and path without .git.
func splitOrigin(origin string) (host, path string, ok bool) {
	s := strings.TrimSpace(origin)
	switch {
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "ssh://"):
		s = s[strings.Index(s, "://")+3:]
		if i := strings.IndexByte(s, '@'); i >= 0 && i < strings.IndexByte(s+"/", '/') {
			s = s[i+1:]
		}
		host, path, ok = strings.Cut(s, "/")
		if h, _, found := strings.Cut(host, ":"); found {
			host = h // a port
		}
	case strings.Contains(s, "@") && strings.Contains(s, ":"):
		s = s[strings.IndexByte(s, '@')+1:]
		host, path, ok = strings.Cut(s, ":")
	default:
		return "", "", false
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	if !ok || host == "" || path == "" || strings.ContainsAny(host+path, " \t\n?#") {
		return "", "", false
	}
	return strings.ToLower(host), path, true
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return len(s) >= 7
}
