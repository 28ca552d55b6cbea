package warehouse

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// A page read in one round trip is the page read in two: same deployments, health, checks,
// baselines, expectations, tags, cursor and counts, on every page of every window.
func TestAPageReadInOneRoundIsThePageReadInTwo(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	cases := []struct {
		env Env
		q   DeploymentQuery
	}{
		{prod, DeploymentQuery{Since: now.Add(-24 * time.Hour)}},
		{prod, DeploymentQuery{Since: now.Add(-72 * time.Hour), Limit: 17}},
		{staging, DeploymentQuery{Since: now.Add(-6 * time.Hour)}},
		{prod, DeploymentQuery{Since: now.Add(-72 * time.Hour), Bundle: "ecommerce_orders"}},
		{prod, DeploymentQuery{Since: now.Add(-2 * time.Hour), Limit: 3}},
	}
	for _, c := range cases {
		for page := 0; page < 4; page++ {
			two, err := s.ListDeployments(ctx, c.env, c.q)
			if err != nil {
				t.Fatal(err)
			}
			q := c.q
			q.OneRound = true
			one, err := s.ListDeployments(ctx, c.env, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(two.Deployments) == 0 {
				t.Fatalf("%s %+v: an empty page proves nothing", c.env.Name, c.q)
			}
			if !reflect.DeepEqual(one, two) {
				t.Fatalf("%s %+v page %d: one round trip read\n%+v\ntwo read\n%+v", c.env.Name, c.q, page, one, two)
			}
			if two.Next == nil {
				break
			}
			c.q.After = two.Next
		}
	}
}

// A page whose follow-ups, sent beside it, could not see what its rows need is read again
// after it, and is then the same as a page read in two round trips: here a deployment before
// the page's is older than the window's baseline week, beyond the follow-ups' scans.
func TestAPageTheFollowUpsDidNotSeeWholeIsReadAgain(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	env := Env{Name: "rounds", WorkspaceID: prod.WorkspaceID}
	deployTwice(t, s, env, "rounds_bundle", now.Add(-20*24*time.Hour), now.Add(-time.Hour))
	w := &slowStore{}
	counted := s.Observed(w.observe(0))
	q := DeploymentQuery{Since: now.Add(-24 * time.Hour)}
	two, err := counted.ListDeployments(ctx, env, q)
	if err != nil {
		t.Fatal(err)
	}
	sentTwo := len(w.sent)
	q.OneRound = true
	one, err := counted.ListDeployments(ctx, env, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Deployments) != 1 || !reflect.DeepEqual(one, two) {
		t.Fatalf("one round trip read %+v, two read %+v", one, two)
	}
	if again := len(w.sent) - sentTwo; again != sentTwo+4 {
		t.Fatalf("the page read in one round trip sent %d statements; want the %d of two round trips and its 4 follow-ups again", again, sentTwo)
	}
}

// deployTwice records two deployments of a bundle in env, 1.0.0 at first and 1.1.0 at then,
// each with a job of the estate that ran in the last day.
func deployTwice(t *testing.T, s *Store, env Env, bundle string, first, then time.Time) {
	t.Helper()
	ctx := context.Background()
	job := releaseJob(t, s)
	for i, at := range []time.Time{first, then} {
		rel := model.ReleaseID(bundle, []string{"1.0.0", "1.1.0"}[i])
		if err := s.AppendResources(ctx, model.ReleaseResource{ReleaseID: rel, Environment: env.Name, ResourceType: "job", ResourceKey: "j", ResourceID: job}); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendEvents(ctx, model.LedgerEvent{EventID: env.Name + "-" + rel, ReleaseID: rel, Bundle: bundle,
			Environment: env.Name, Kind: model.EventDeploySucceeded, At: at}); err != nil {
			t.Fatal(err)
		}
	}
}

// releaseJob is a job id of the estate that ran in the last day.
func releaseJob(t *testing.T, s *Store) string {
	t.Helper()
	var id string
	if err := s.db.QueryRow(`SELECT resource_id FROM sim.release_cockpit.release_resources
		WHERE environment = 'prod' AND resource_type = 'job' LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestScanBoundsCover(t *testing.T) {
	day := 24 * time.Hour
	since := now.Add(-day)
	window := boundsOfWindow(since)
	cases := []struct {
		name string
		rows scanBounds
		want bool
	}{
		{"a page inside the window, no earlier deployment", scanBounds{from: now.Add(-2 * time.Hour), to: openEnd}, true},
		{"a closed page", scanBounds{from: since, to: now.Add(runTail)}, true},
		{"a deployment before the page's six days before the window", scanBounds{from: since, to: openEnd, previous: since.Add(-6 * day)}, true},
		{"exactly the baseline week before", scanBounds{from: since, to: openEnd, previous: since.Add(-BaselineLookback)}, true},
		{"a deployment before the page's older than the baseline week", scanBounds{from: since, to: openEnd, previous: since.Add(-BaselineLookback - time.Second)}, false},
		{"a window starting before the filter's (cannot happen, still caught)", scanBounds{from: since.Add(-time.Second), to: openEnd}, false},
	}
	for _, c := range cases {
		if got := window.covers(c.rows); got != c.want {
			t.Errorf("%s: covers = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSawPage(t *testing.T) {
	rows := []pageRow{{d: model.Deployment{ID: "b"}}, {d: model.Deployment{ID: "a"}}}
	cases := []struct {
		name string
		left int
		ids  []string
		want bool
	}{
		{"the same rows in another order", 0, []string{"a", "b"}, true},
		{"one more: a row the page left out as unreadable", 1, []string{"a", "x", "b"}, true},
		{"one more: a deployment landed between the statements", 0, []string{"a", "b", "c"}, false},
		{"one shifted out by a deployment that landed", 0, []string{"c", "b"}, false},
		{"none", 0, nil, false},
	}
	for _, c := range cases {
		if got := sawPage(rows, c.left, c.ids); got != c.want {
			t.Errorf("%s: sawPage = %v, want %v", c.name, got, c.want)
		}
	}
}

// A release's deployment is told as soon as it is found, once, before the statements that
// follow it (the live path starts there, beside them): the same deployment, its window
// known, its health not yet.
func TestAReleasesDeploymentIsToldAsSoonAsItIsFound(t *testing.T) {
	s := testStore(t)
	d := incident(t, s)
	var told []model.Deployment
	got, err := s.GetDeploymentThen(context.Background(), prod, d.Release.ID(), ReleaseLookup{Found: func(f model.Deployment) { told = append(told, f) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(told) != 1 || told[0].ID != got.ID || told[0].Window != got.Window || told[0].Current != got.Current {
		t.Fatalf("told %+v; found %s %+v", told, got.ID, got.Window)
	}
	if h := told[0].Health; h.RunsSucceeded+h.RunsFailed+h.UpdatesOK+h.UpdatesFailed != 0 || got.Health.RunsSucceeded+got.Health.RunsFailed == 0 {
		t.Errorf("told before its health was read: %+v; then %+v", told[0].Health, got.Health)
	}
}

// A release's deployment (what `cockpit show` and the release screen's header read) is the
// same read in one round trip as in two. A recent one costs one round trip: its page and its
// four follow-ups side by side. One older than where it is looked for first, or whose
// deployment before it is beyond the week the follow-ups scan, has them read again after
// its page, as in two round trips; one that is not there is not found either way.
func TestAReleaseReadInOneRoundIsTheReleaseReadInTwo(t *testing.T) {
	const late = 300 * time.Millisecond
	s := testStore(t)
	ctx := context.Background()
	recent := incident(t, s)
	var older model.Deployment
	p, err := s.ListDeployments(ctx, prod, DeploymentQuery{Since: now.Add(-72 * time.Hour), Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Deployments {
		if d.DeployedAt.Before(now.Add(-36 * time.Hour)) {
			older = d
			break
		}
	}
	if older.ID == "" {
		t.Fatal("no prod deployment older than 36 hours in the test estate")
	}
	// A release whose bundle deployed again after it: its follow-ups select the release, not
	// the bundle's newest deployment.
	var superseded model.Deployment
	newest := map[string]bool{}
	for _, d := range p.Deployments {
		if newest[d.Release.Bundle] && d.DeployedAt.After(now.Add(-24*time.Hour)) {
			superseded = d
			break
		}
		newest[d.Release.Bundle] = true
	}
	if superseded.ID == "" {
		t.Fatal("no prod release of the last day whose bundle deployed again after it")
	}
	// A deployment of the last day whose deployment before it is 20 days old.
	env := Env{Name: "release_rounds", WorkspaceID: prod.WorkspaceID}
	deployTwice(t, s, env, "release_rounds", now.Add(-20*24*time.Hour), now.Add(-20*time.Hour))
	cases := []struct {
		name        string
		env         Env
		release     string
		likelySince time.Time
		sent, head  int
	}{
		{"a recent release: one round trip", prod, recent.Release.ID(), now.Add(-OneRoundWithin), 5, 5},
		{"a release its bundle deployed again after: one round trip", prod, superseded.Release.ID(), now.Add(-OneRoundWithin), 5, 5},
		{"older than where it is looked for: its follow-ups again", prod, older.Release.ID(), now.Add(-time.Hour), 9, 5},
		{"its deployment before it beyond the week: its follow-ups again", env, "release_rounds@1.1.0", now.Add(-OneRoundWithin), 9, 5},
		{"two round trips, as asked", prod, recent.Release.ID(), time.Time{}, 5, 1},
	}
	for _, c := range cases {
		two, err := s.GetDeployment(ctx, c.env, c.release)
		if err != nil {
			t.Fatal(err)
		}
		w := &slowStore{}
		one, err := s.Observed(w.observe(late)).GetDeploymentThen(ctx, c.env, c.release, ReleaseLookup{LikelySince: c.likelySince})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(one, two) {
			t.Errorf("%s: read as asked\n%+v\nin two round trips\n%+v", c.name, one, two)
		}
		if two.Health.RunsSucceeded+two.Health.RunsFailed+two.Health.UpdatesOK+two.Health.UpdatesFailed == 0 {
			t.Errorf("%s: %s has no runs or updates: the comparison proves little", c.name, c.release)
		}
		if len(w.sent) != c.sent || w.firstRound(late) != c.head {
			t.Errorf("%s: %d statements sent, %d in the first round trip; want %d and %d", c.name, len(w.sent), w.firstRound(late), c.sent, c.head)
		}
	}
	if _, err := s.GetDeploymentThen(ctx, prod, "no_such_bundle@1.0", ReleaseLookup{LikelySince: now.Add(-OneRoundWithin)}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a release with no deployment, looked for in one round trip: %v; want ErrNotFound", err)
	}
}
