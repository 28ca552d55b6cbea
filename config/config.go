// Package config reads the cockpit's configuration file (YAML) into typed, validated
// structs: the ledger's location, table-name overrides, the environments in promotion order
// with their workspace, warehouse and policy, the refresh interval and the theme.
//
// It is parsed once and validated once; every error names the file, the line and the key.
// config does no other I/O than reading that one file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
	"gopkg.in/yaml.v3"
)

// Config is the whole configuration.
type Config struct {
	// Ledger is the schema holding release_events, release_resources and expectation_results.
	Ledger string `yaml:"ledger"`
	// Tables overrides system table names, e.g. system.lakeflow.jobs: ops.lakeflow.jobs.
	Tables map[string]string `yaml:"tables"`
	// Environments in promotion order.
	Environments []Environment `yaml:"environments"`
	Refresh      Duration      `yaml:"refresh"`
	// FullRefresh is how often the home re-reads from the warehouse what can still change
	// when the live feed shows nothing new (default 5m); Refresh is how often it asks the feed.
	FullRefresh Duration `yaml:"full_refresh"`
	Theme       string   `yaml:"theme"`
	// Profile and WarehouseID are the defaults for environments that name none.
	Profile     string `yaml:"profile"`
	WarehouseID string `yaml:"warehouse_id"`
	// Timeout bounds every call to the workspace and warehouse.
	Timeout Duration `yaml:"timeout"`
	// PolicyFile is a workspace file holding the policy of every environment (ParsePolicy), so
	// the cockpit and `cockpit gate` read the same one; the environments then have no policy key.
	PolicyFile string `yaml:"policy_file"`
	// DiscoverUnrecorded supplements an existing ledger with the deployments discovered from
	// what Databricks records, for the bundles the ledger records none of in an environment
	// (CI never wired to `cockpit record`). Off by default: every read of the ledger then also
	// scans the audit log and the jobs' and pipelines' bundle metadata.
	DiscoverUnrecorded bool `yaml:"discover_unrecorded"`

	// Path is the file it was read from, empty for the built-in defaults.
	Path string `yaml:"-"`
	// policy is the environments' policies, validated by Parse.
	policy *model.Policy
}

// Environment is one stage of the promotion chain.
type Environment struct {
	Name string `yaml:"name"`
	// Profile of ~/.databrickscfg for the environment's workspace; empty uses the default.
	Profile string `yaml:"profile"`
	// WorkspaceID filters the region-wide system tables to this environment's workspace.
	WorkspaceID string `yaml:"workspace_id"`
	WarehouseID string `yaml:"warehouse_id"`
	// DeployerJobID is the job that deploys releases into the environment (DESIGN §6).
	DeployerJobID int64  `yaml:"deployer_job_id"`
	Policy        Policy `yaml:"policy"`
}

// Duration is a time.Duration written as "15s", "2h" or "7d".
type Duration time.Duration

// UnmarshalYAML reads a duration.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// ParseDuration is time.ParseDuration plus a "d" suffix for days ("7d", "1d12h").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		var n int
		if _, err := fmt.Sscanf(s[:i], "%d", &n); err != nil || fmt.Sprint(n) != s[:i] {
			return 0, fmt.Errorf("%q is not a duration: use forms like 90s, 15m, 2h or 7d", s)
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: use forms like 90s, 15m, 2h or 7d", s)
	}
	return days + d, nil
}

// DefaultFullRefresh is how often the home re-reads the warehouse when nothing is new.
const DefaultFullRefresh = 5 * time.Minute

// DefaultEnvironments is the promotion chain when the file names none.
var DefaultEnvironments = []string{"dev", "staging", "prod"}

// Default is the configuration without a file.
func Default() Config {
	c := Config{Ledger: "main.release_cockpit", Refresh: Duration(15 * time.Second), FullRefresh: Duration(DefaultFullRefresh), Timeout: Duration(30 * time.Second)}
	for _, n := range DefaultEnvironments {
		c.Environments = append(c.Environments, Environment{Name: n})
	}
	c.fillDefaults()
	return c
}

// DefaultBakeTime per environment: the longer the blast radius, the longer the bake.
func DefaultBakeTime(env string) time.Duration {
	switch env {
	case "prod":
		return 30 * time.Minute
	case "staging":
		return 20 * time.Minute
	}
	return 10 * time.Minute
}

func (c *Config) fillDefaults() {
	if c.Ledger == "" {
		c.Ledger = "main.release_cockpit"
	}
	if c.Refresh == 0 {
		c.Refresh = Duration(15 * time.Second)
	}
	if c.FullRefresh == 0 {
		c.FullRefresh = Duration(DefaultFullRefresh)
	}
	if c.Timeout == 0 {
		c.Timeout = Duration(30 * time.Second)
	}
	if len(c.Environments) == 0 {
		for _, n := range DefaultEnvironments {
			c.Environments = append(c.Environments, Environment{Name: n})
		}
	}
	for i := range c.Environments {
		e := &c.Environments[i]
		if e.Profile == "" {
			e.Profile = c.Profile
		}
		if e.WarehouseID == "" {
			e.WarehouseID = c.WarehouseID
		}
		if e.Policy.BakeTime == 0 {
			e.Policy.BakeTime = Duration(DefaultBakeTime(e.Name))
		}
	}
}

// Environment finds an environment by name; the error lists the known ones.
func (c Config) Environment(name string) (Environment, error) {
	for _, e := range c.Environments {
		if e.Name == name {
			return e, nil
		}
	}
	return Environment{}, fmt.Errorf("unknown environment %q: known environments are %s", name, strings.Join(c.EnvironmentNames(), ", "))
}

// EnvironmentNames lists the environments in promotion order.
func (c Config) EnvironmentNames() []string {
	out := make([]string, len(c.Environments))
	for i, e := range c.Environments {
		out[i] = e.Name
	}
	return out
}

// DefaultPath is where the file is looked for when neither --config nor COCKPIT_CONFIG says.
func DefaultPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "release-cockpit", "config.yaml")
}

// ErrInvalid marks a configuration error; the message names file, line and key.
var ErrInvalid = errors.New("invalid configuration")

// Load reads path; a missing file at the default path is not an error (the defaults apply),
// a missing file the user named is.
func Load(path string, named bool) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !named {
			return Default(), nil
		}
		return Config{}, fmt.Errorf("%w: reading %s: %v", ErrInvalid, path, err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return Config{}, err
	}
	return c, nil
}

var (
	envName  = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	numeric  = regexp.MustCompile(`^[0-9]{1,20}$`)
	hexID    = regexp.MustCompile(`^[0-9a-f]{8,32}$`)
	themeSet = map[string]bool{"": true, "auto": true, "dark": true, "light": true, "high-contrast": true, "mono": true}
)

// Parse decodes and validates a configuration file's content.
func Parse(path string, data []byte) (Config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && err.Error() != "EOF" {
		return Config{}, fmt.Errorf("%w: %s: %v", ErrInvalid, path, cleanYAMLError(err))
	}
	var c Config
	if len(root.Content) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			return Config{}, fmt.Errorf("%w: %s: %v", ErrInvalid, path, cleanYAMLError(err))
		}
	}
	c.Path = path
	at := func(keyPath ...any) string { return fmt.Sprintf("%s:%d", path, lineOf(&root, keyPath...)) }
	bad := func(where, key, msg string) error { return fmt.Errorf("%w: %s: %s: %s", ErrInvalid, where, key, msg) }
	if !themeSet[c.Theme] {
		return Config{}, bad(at("theme"), "theme", fmt.Sprintf("%q is not a theme: use auto, dark, light, high-contrast or mono", c.Theme))
	}
	seen := map[string]bool{}
	for i, e := range c.Environments {
		key := fmt.Sprintf("environments[%d]", i)
		if !envName.MatchString(e.Name) {
			return Config{}, bad(at("environments", i, "name"), key+".name", fmt.Sprintf("%q is not an environment name: lower-case letters, digits, - and _", e.Name))
		}
		if seen[e.Name] {
			return Config{}, bad(at("environments", i, "name"), key+".name", fmt.Sprintf("environment %q is listed twice", e.Name))
		}
		seen[e.Name] = true
		if e.WorkspaceID != "" && !numeric.MatchString(e.WorkspaceID) {
			return Config{}, bad(at("environments", i, "workspace_id"), key+".workspace_id", fmt.Sprintf("%q is not a workspace id: it is the number in your workspace URL (?o=...)", e.WorkspaceID))
		}
		if e.WarehouseID != "" && !hexID.MatchString(e.WarehouseID) {
			return Config{}, bad(at("environments", i, "warehouse_id"), key+".warehouse_id", fmt.Sprintf("%q is not a SQL warehouse id", e.WarehouseID))
		}
	}
	if c.WarehouseID != "" && !hexID.MatchString(c.WarehouseID) {
		return Config{}, bad(at("warehouse_id"), "warehouse_id", fmt.Sprintf("%q is not a SQL warehouse id", c.WarehouseID))
	}
	if c.Refresh != 0 && time.Duration(c.Refresh) < time.Second {
		return Config{}, bad(at("refresh"), "refresh", "must be at least 1s")
	}
	if c.FullRefresh != 0 && time.Duration(c.FullRefresh) < time.Duration(c.Refresh) {
		return Config{}, bad(at("full_refresh"), "full_refresh", "must be at least refresh ("+time.Duration(c.Refresh).String()+")")
	}
	var p model.Policy
	for i, e := range c.Environments {
		key := fmt.Sprintf("environments[%d].policy", i)
		if c.PolicyFile != "" && hasKey(&root, "environments", i, "policy") {
			return Config{}, bad(at("environments", i, "policy"), key, fmt.Sprintf("the policy comes from policy_file (%s): move these keys there", c.PolicyFile))
		}
		v := validator{file: path, root: &root, path: []any{"environments", i, "policy"}, key: key}
		ep, err := e.Policy.toModel(v, e.Name, e.DeployerJobID, i == len(c.Environments)-1)
		if err != nil {
			return Config{}, err
		}
		p.Environments = append(p.Environments, ep)
	}
	c.fillDefaults()
	if len(p.Environments) > 0 {
		c.policy = &p
	}
	return c, nil
}

// lineOf finds the line of a key path (map keys as strings, list indexes as ints) in a
// YAML document; 0 when it is not there.
func lineOf(root *yaml.Node, path ...any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		switch k := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return line
			}
			n = n.Content[k]
			line = n.Line
		}
	}
	return line
}

// hasKey reports whether a key path is in the document.
func hasKey(root *yaml.Node, path ...any) bool {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, p := range path {
		switch k := p.(type) {
		case string:
			found := false
			for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					n, found = n.Content[i+1], true
					break
				}
			}
			if !found {
				return false
			}
		case int:
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return false
			}
			n = n.Content[k]
		}
	}
	return true
}

// cleanYAMLError turns "yaml: unmarshal errors:\n  line 3: field x not found in type config.Config"
// into "line 3: unknown key x".
func cleanYAMLError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	msg = strings.TrimSpace(msg)
	re := regexp.MustCompile(`field (\S+) not found in type \S+`)
	msg = re.ReplaceAllString(msg, "unknown key $1")
	return strings.ReplaceAll(msg, "\n", "; ")
}
