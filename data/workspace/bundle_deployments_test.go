package workspace_test

import (
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/workspace"
)

var commitRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// The deployment history service, through the SDK's bundledeployments client: the bundles
// that record it, each with its versions newest first, with commit, who and when.
func TestBundleDeploymentsListTheirVersionsNewestFirst(t *testing.T) {
	c := clientAs(t, oncallToken)
	ds, err := c.BundleDeployments(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) < 10 || len(ds) > 30 {
		t.Fatalf("%d bundle deployments in prod, want about half of the 40 bundles", len(ds))
	}
	for _, d := range ds {
		if d.Target != "prod" || d.Bundle == "" || d.RootPath == "" || d.LastVersionID == "" {
			t.Errorf("deployment %+v", d)
		}
	}
	all, err := c.BundleVersions(ctx(t), ds[0].Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 || all[0].ID != ds[0].LastVersionID {
		t.Fatalf("versions of %s: %+v, want the newest %s first", ds[0].Name, all, ds[0].LastVersionID)
	}
	for i, v := range all {
		if !commitRE.MatchString(v.Git.Commit) || v.By == "" || v.Completed.IsZero() || !v.Deploy || v.InProgress {
			t.Errorf("version %+v", v)
		}
		if i > 0 {
			prev, _ := strconv.Atoi(all[i-1].ID)
			id, _ := strconv.Atoi(v.ID)
			if id >= prev || v.Completed.After(all[i-1].Completed) {
				t.Errorf("version %s after %s: not newest first", v.ID, all[i-1].ID)
			}
		}
	}
	if len(all) > 2 {
		since := all[1].Completed
		some, err := c.BundleVersions(ctx(t), ds[0].Name, since.Add(-time.Second))
		if err != nil || len(some) != 3 {
			t.Errorf("versions since %s: %d (%v), want the two after it and the first before", since, len(some), err)
		}
	}
}

func TestBundleVersionsRefuseBadNamesAndAnswerNotFound(t *testing.T) {
	c := clientAs(t, oncallToken)
	if _, err := c.BundleVersions(ctx(t), "deployments/../../jobs", time.Time{}); !errors.Is(err, workspace.ErrInvalidInput) {
		t.Errorf("a name with a path: %v", err)
	}
	if _, err := c.BundleVersions(ctx(t), "deployments/0000", time.Time{}); !errors.Is(err, workspace.ErrNotFound) {
		t.Errorf("an unknown deployment: %v", err)
	}
}
