package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/release-cockpit/cockpit/model"
)

// Metadata is what `bundle deploy` records in <root>/state/metadata.json: which bundle, in
// which target, from which commit, and the ids of the resources it deployed.
type Metadata struct {
	Path    string
	Version int
	Bundle  string
	Target  string
	Mode    string // development, production or empty
	Git     Git
	// Jobs and Pipelines map resource keys (as in the bundle's YAML) to their ids.
	Jobs      map[string]string
	Pipelines map[string]string
}

// Git is the checkout the bundle was deployed from.
type Git struct {
	Commit    string
	Branch    string
	OriginURL string
}

// BundleMetadata reads and parses a bundle's metadata.json (the path a job's or pipeline's
// deployment.metadata_file_path names). A missing file is ErrNotFound.
func (c *Client) BundleMetadata(ctx context.Context, path string) (Metadata, error) {
	op := fmt.Sprintf("reading bundle metadata %s", path)
	b, err := c.w.Workspace.ReadFile(ctx, path)
	if err != nil {
		return Metadata{}, wrap(err, op)
	}
	m, err := ParseMetadata(path, b)
	if err != nil {
		return Metadata{}, &Error{Op: op, Err: err}
	}
	return m, nil
}

// ParseMetadata parses the text of a bundle's metadata.json (reference §5.3), read from
// path (a workspace path or a local file, for messages).
func ParseMetadata(path string, b []byte) (Metadata, error) {
	var raw struct {
		Version int `json:"version"`
		Config  struct {
			Bundle struct {
				Name   string `json:"name"`
				Target string `json:"target"`
				Mode   string `json:"mode"`
				Git    struct {
					Commit    string `json:"commit"`
					Branch    string `json:"branch"`
					OriginURL string `json:"origin_url"`
				} `json:"git"`
			} `json:"bundle"`
			Resources struct {
				Jobs map[string]struct {
					ID string `json:"id"`
				} `json:"jobs"`
				Pipelines map[string]struct {
					ID string `json:"id"`
				} `json:"pipelines"`
			} `json:"resources"`
		} `json:"config"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return Metadata{}, fmt.Errorf("not bundle metadata: %w", err)
	}
	bundle := raw.Config.Bundle
	m := Metadata{
		Path: path, Version: raw.Version, Bundle: bundle.Name, Target: bundle.Target, Mode: bundle.Mode,
		Git:  Git{Commit: bundle.Git.Commit, Branch: bundle.Git.Branch, OriginURL: bundle.Git.OriginURL},
		Jobs: map[string]string{}, Pipelines: map[string]string{},
	}
	for k, v := range raw.Config.Resources.Jobs {
		m.Jobs[k] = v.ID
	}
	for k, v := range raw.Config.Resources.Pipelines {
		m.Pipelines[k] = v.ID
	}
	return m, nil
}

// Resources lists the jobs and pipelines of metadata.json as a release's resources in an
// environment, jobs then pipelines, each in key order; metadata.json carries no display
// names, so the key stands for the name.
func (m Metadata) Resources(releaseID, env string) []model.ReleaseResource {
	var out []model.ReleaseResource
	add := func(typ string, ids map[string]string) {
		keys := make([]string, 0, len(ids))
		for k, id := range ids {
			if id != "" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, model.ReleaseResource{ReleaseID: releaseID, Environment: env, ResourceType: typ, ResourceKey: k, ResourceID: ids[k], Name: k})
		}
	}
	add("job", m.Jobs)
	add("pipeline", m.Pipelines)
	return out
}
