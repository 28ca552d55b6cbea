package warehouse

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/release-cockpit/cockpit/model"
)

// TestAListedDeploymentCarriesTheDeploymentBeforeIt: the release's Checks, Data quality and
// Changes tabs hold a deployment against the one before it. The listing says which that
// is, and it is the one previous_deployment.sql finds (none for a bundle's first), so the
// tabs read their rows in one statement instead of two.
func TestAListedDeploymentCarriesTheDeploymentBeforeIt(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	page, err := s.ListDeployments(ctx, prod, DeploymentQuery{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	firsts, withPrevious := 0, 0
	for _, d := range page.Deployments {
		if d.Previous == nil {
			t.Fatalf("%s: the listing did not say which deployment was before it", d.ID)
		}
		listed := *d.Previous
		d.Previous = nil
		asked, ok, err := s.previousDeployment(ctx, prod, d)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case ok != (listed.ID != ""):
			t.Errorf("%s: listed before it %+v, asked: %+v (found %v)", d.ID, listed, asked, ok)
		case ok && !reflect.DeepEqual(listed, asked):
			t.Errorf("%s: listed before it %+v, asked %+v", d.ID, listed, asked)
		case ok:
			withPrevious++
		default:
			firsts++
		}
	}
	if firsts == 0 || withPrevious == 0 {
		t.Fatalf("%d first deployments and %d with one before: the test needs both", firsts, withPrevious)
	}

	// What it saves: the checks of a listed deployment are one statement.
	var sent atomic.Int64
	counted := s.Observed(func(context.Context) { sent.Add(1) })
	d := page.Deployments[0]
	for _, c := range []struct {
		previous *model.PreviousDeployment
		want     int64
	}{{d.Previous, 1}, {nil, 2}} {
		d.Previous = c.previous
		sent.Store(0)
		if _, err := counted.DeploymentChecks(ctx, prod, d); err != nil {
			t.Fatal(err)
		}
		if n := sent.Load(); n != c.want {
			t.Errorf("the checks of a deployment whose listing said what was before it (%v): %d statements, want %d", c.previous != nil, n, c.want)
		}
	}
}

// TestAnUpdateComesWithItsPipelinesName: the Runs tab names each pipeline update without a
// second statement; the name is the one ResourceNames reads.
func TestAnUpdateComesWithItsPipelinesName(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	us, _, err := s.DeploymentUpdates(ctx, prod, incident(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if len(us) == 0 {
		t.Fatal("the incident has no pipeline updates to name")
	}
	var ids []string
	for _, u := range us {
		ids = append(ids, u.PipelineID)
	}
	names, err := s.ResourceNames(ctx, prod, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Name == "" || u.Name != names[u.PipelineID] {
			t.Errorf("update %s of %s is named %q, ResourceNames says %q", u.UpdateID, u.PipelineID, u.Name, names[u.PipelineID])
		}
	}
}
