package warehouse

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

func TestTheIncidentIsOnProdsFirstPageAndFailing(t *testing.T) {
	s := testStore(t)
	d := incident(t, s)
	if age := now.Sub(d.DeployedAt); age < 30*time.Minute || age > 40*time.Minute {
		t.Errorf("incident deployed %v ago, want about 35m", age)
	}
	h := d.Health
	if h.RecordsFailed <= 0 {
		t.Errorf("incident has no failed expectation records: %+v", h)
	}
	if h.BaselineRatio < 0 || h.ExpectationFailureRatio() < 10*h.BaselineRatio {
		t.Errorf("failure ratio %.4f should dwarf the previous deployment's %.4f", h.ExpectationFailureRatio(), h.BaselineRatio)
	}
	if d.Checks.Fail < 2 {
		t.Errorf("incident checks %+v: want the expectations and row_count_drift checks failed", d.Checks)
	}
	if !hasTag(d, model.TagCurrent) || !d.Window.Open() {
		t.Errorf("incident should be CURRENT with an open window: tags %v, window %+v", d.Tags, d.Window)
	}
	a := model.Assess(d.Health, d.Checks, d.Window, now, model.DefaultVerdictPolicy())
	if a.Verdict != model.VerdictFailing {
		t.Errorf("incident verdict %s (%v), want failing", a.Verdict, a.Reasons)
	}
}

func TestKeysetPagesDoNotOverlapAndCoverEverything(t *testing.T) {
	s := testStore(t)
	paged := allDeployments(t, s, prod, DeploymentQuery{Limit: 37})
	var want int
	err := s.db.QueryRow(`SELECT COUNT(DISTINCT event_id) FROM sim.release_cockpit.release_events
		WHERE environment = 'prod' AND kind = 'deploy_succeeded'`).Scan(&want)
	if err != nil {
		t.Fatal(err)
	}
	if len(paged) != want || want < 37*2 {
		t.Fatalf("paging gave %d deployments, the ledger holds %d (want several pages)", len(paged), want)
	}
	seen := map[string]bool{}
	for i, d := range paged {
		if seen[d.ID] {
			t.Fatalf("deployment %s on two pages", d.ID)
		}
		seen[d.ID] = true
		if i > 0 {
			p := paged[i-1]
			if p.DeployedAt.Before(d.DeployedAt) || (p.DeployedAt.Equal(d.DeployedAt) && p.ID < d.ID) {
				t.Fatalf("not newest first at %d: %v %s then %v %s", i, p.DeployedAt, p.ID, d.DeployedAt, d.ID)
			}
		}
	}
	// Every page says how many deployments match from it on: all of them on the first, what
	// is left on the next (a home that holds one page says "the newest 37 of N").
	first, err := s.ListDeployments(context.Background(), prod, DeploymentQuery{Limit: 37})
	if err != nil {
		t.Fatal(err)
	}
	if first.Matching != want {
		t.Fatalf("the first page says %d deployments match, the ledger holds %d", first.Matching, want)
	}
	second, err := s.ListDeployments(context.Background(), prod, DeploymentQuery{Limit: 37, After: first.Next})
	if err != nil {
		t.Fatal(err)
	}
	if second.Matching != want-37 {
		t.Fatalf("the second page says %d deployments match from it on, want %d", second.Matching, want-37)
	}
	// A page is the same whatever its size: health is computed per window, not per page.
	one, err := s.ListDeployments(context.Background(), prod, DeploymentQuery{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range one.Deployments {
		if !reflect.DeepEqual(d.Health, paged[i].Health) || d.Checks != paged[i].Checks || d.Window != paged[i].Window {
			t.Fatalf("deployment %s differs between page sizes: %+v vs %+v", d.ID, d, paged[i])
		}
	}
}

func TestSQLWindowsAgreeWithTheModel(t *testing.T) {
	s := testStore(t)
	for _, env := range []Env{prod, staging} {
		ds := allDeployments(t, s, env, DeploymentQuery{Limit: 400})
		ls := make([]model.Landing, len(ds))
		for i, d := range ds {
			ls[i] = model.Landing{Bundle: d.Release.Bundle, Environment: d.Environment, At: d.DeployedAt, ID: d.ID}
		}
		ws := model.Windows(ls)
		for i, d := range ds {
			if !d.Window.Start.Equal(ws[i].Start) || !d.Window.End.Equal(ws[i].End) {
				t.Errorf("%s %s: SQL window %v..%v, model %v..%v", env.Name, d.ID, d.Window.Start, d.Window.End, ws[i].Start, ws[i].End)
			}
			if d.Current != ws[i].Open() || d.Current != hasTag(d, model.TagCurrent) {
				t.Errorf("%s %s: current %v, open %v, tags %v", env.Name, d.ID, d.Current, ws[i].Open(), d.Tags)
			}
		}
	}
}

func TestHealthAgreesWithFoldingTheTimelineInGo(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	ds := allDeployments(t, s, prod, DeploymentQuery{Limit: 200, Since: now.Add(-36 * time.Hour)})
	runs, updates := foldTimelines(t, s, prod)
	resources := releaseResources(t, s, prod)
	records := expectationRecords(t, s, prod)
	windows := map[string]model.Window{} // by deployment id, including previous deployments
	all := allDeployments(t, s, prod, DeploymentQuery{Limit: MaxLimit})
	prevOf := map[string]model.Deployment{}
	for i, d := range all {
		windows[d.ID] = d.Window
		for _, n := range all[i+1:] {
			if n.Release.Bundle == d.Release.Bundle {
				prevOf[d.ID] = n
				break
			}
		}
	}
	health := func(d model.Deployment) model.Health {
		var h model.Health
		for _, r := range resources[d.Release.ID()] {
			for _, run := range runs[r] {
				if !d.Window.Contains(run.Start) {
					continue
				}
				switch {
				case run.Succeeded():
					h.RunsSucceeded++
				case run.Failed():
					h.RunsFailed++
				case run.Active():
					h.RunsActive++
				}
			}
			for _, u := range updates[r] {
				if !d.Window.Contains(u.Start) {
					continue
				}
				switch u.ResultState {
				case "COMPLETED":
					h.UpdatesOK++
				case "FAILED":
					h.UpdatesFailed++
				}
				h.RecordsPassed += records[u.UpdateID][0]
				h.RecordsFailed += records[u.UpdateID][1]
			}
		}
		return h
	}
	checked := 0
	for _, d := range ds {
		want := health(d)
		want.BaselineRatio = -1
		if p, ok := prevOf[d.ID]; ok {
			if ph := health(p); ph.RecordsPassed+ph.RecordsFailed > 0 {
				want.BaselineRatio = ph.ExpectationFailureRatio()
			}
		}
		want.Baseline = d.Health.Baseline // deployments_baseline.sql's, checked by TestPreDeployBaselines
		if !reflect.DeepEqual(d.Health, want) {
			t.Errorf("%s %s: SQL health %+v, Go fold %+v", d.Release.ID(), d.ID, d.Health, want)
		}
		if want.HasData() {
			checked++
		}
		if checked > 0 && checked%20 == 0 {
			wantRuns, wantUpdates := 0, 0
			for _, r := range resources[d.Release.ID()] {
				for _, run := range runs[r] {
					if d.Window.Contains(run.Start) {
						wantRuns++
					}
				}
				for _, u := range updates[r] {
					if d.Window.Contains(u.Start) {
						wantUpdates++
					}
				}
			}
			got, _, err := s.DeploymentRuns(ctx, prod, d)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != wantRuns {
				t.Errorf("%s: DeploymentRuns gave %d runs, the Go fold %d", d.ID, len(got), wantRuns)
			}
			for _, r := range got {
				if !d.Window.Contains(r.Start) {
					t.Errorf("%s: run %s starts at %v, outside %+v", d.ID, r.RunID, r.Start, d.Window)
				}
			}
			us, _, err := s.DeploymentUpdates(ctx, prod, d)
			if err != nil {
				t.Fatal(err)
			}
			if len(us) != wantUpdates {
				t.Errorf("%s: DeploymentUpdates gave %d updates, the Go fold %d", d.ID, len(us), wantUpdates)
			}
			es, _, err := s.DeploymentExpectations(ctx, prod, d)
			if err != nil {
				t.Fatal(err)
			}
			var passed, failed, basePassed, baseFailed int64
			for _, e := range es {
				passed, failed = passed+e.PassedRecords, failed+e.FailedRecords
				basePassed, baseFailed = basePassed+e.BaselinePassed, baseFailed+e.BaselineFailed
			}
			if passed != want.RecordsPassed || failed != want.RecordsFailed {
				t.Errorf("%s: expectations sum to %d/%d records, the Go fold %d/%d", d.ID, passed, failed, want.RecordsPassed, want.RecordsFailed)
			}
			if base := (model.Health{RecordsPassed: basePassed, RecordsFailed: baseFailed}); want.BaselineRatio >= 0 && base.ExpectationFailureRatio() != want.BaselineRatio {
				t.Errorf("%s: previous deployment's expectations give ratio %f, the Go fold %f", d.ID, base.ExpectationFailureRatio(), want.BaselineRatio)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d deployments had data in the window: the comparison proves little", checked)
	}
}

func TestGetDeploymentFindsTheNewestDeploymentOfARelease(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	inc := incident(t, s)
	got, err := s.GetDeployment(ctx, prod, inc.Release.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != inc.ID || !reflect.DeepEqual(got.Health, inc.Health) || got.Checks != inc.Checks || got.Window != inc.Window {
		t.Errorf("GetDeployment %+v, list %+v", got, inc)
	}
	byID, err := s.GetDeploymentByID(ctx, prod, inc.ID)
	if err != nil || !reflect.DeepEqual(byID.Health, inc.Health) || byID.Release != inc.Release {
		t.Errorf("GetDeploymentByID %+v, %v", byID, err)
	}
	if _, err := s.GetDeployment(ctx, prod, "no_such_bundle@1.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown release: err %v, want ErrNotFound", err)
	}
	if _, err := s.GetDeploymentByID(ctx, prod, "no-such-event"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown deployment id: err %v, want ErrNotFound", err)
	}
	if _, err := s.GetDeployment(ctx, prod, "not a release id"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("bad release id: err %v, want ErrInvalidInput", err)
	}
}

func TestThePinnedStoryIsTaggedPinned(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	p, err := s.ListDeployments(ctx, prod, DeploymentQuery{Bundle: sim.PinnedBundle, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Deployments) < 2 {
		t.Fatalf("the pinned story needs the rollback and the release it rolled back: %d deployments of %s in prod", len(p.Deployments), sim.PinnedBundle)
	}
	cur := p.Deployments[0]
	if !hasTag(cur, model.TagCurrent) || !hasTag(cur, model.TagPinned) {
		t.Errorf("current %s deployment tags %v, want CURRENT and PINNED", sim.PinnedBundle, cur.Tags)
	}
	for _, d := range p.Deployments[1:] {
		if hasTag(d, model.TagPinned) || hasTag(d, model.TagCurrent) {
			t.Errorf("older deployment %s tagged %v", d.ID, d.Tags)
		}
	}
}

func TestTheVetoedStoryIsTaggedVetoed(t *testing.T) {
	s := testStore(t)
	v, err := s.ListDeployments(context.Background(), staging, DeploymentQuery{Bundle: sim.VetoedBundle, Since: now.Add(-48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	vetoed := 0
	for _, d := range v.Deployments {
		if hasTag(d, model.TagVetoed) {
			vetoed++
		}
	}
	if vetoed != 1 {
		t.Errorf("%d vetoed %s deployments in staging, want 1", vetoed, sim.VetoedBundle)
	}
}

func TestBundleFilterIsAParameter(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	for _, b := range []string{`x' OR '1'='1`, `x" OR "1"="1`, `'; DROP TABLE release_events; --`} {
		p, err := s.ListDeployments(ctx, prod, DeploymentQuery{Bundle: b})
		if err != nil || len(p.Deployments) != 0 || p.Next != nil {
			t.Errorf("bundle %q: %d deployments, %v; want none and no error", b, len(p.Deployments), err)
		}
	}
	p, err := s.ListDeployments(ctx, prod, DeploymentQuery{Bundle: sim.IncidentBundle, Limit: 3})
	if err != nil || len(p.Deployments) == 0 {
		t.Fatalf("bundle filter: %v, %d", err, len(p.Deployments))
	}
	for _, d := range p.Deployments {
		if d.Release.Bundle != sim.IncidentBundle {
			t.Errorf("bundle filter let %s through", d.Release.Bundle)
		}
	}
}

func TestListDeploymentsRejectsBadInput(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	for _, limit := range []int{-1, MaxLimit + 1} {
		if _, err := s.ListDeployments(ctx, prod, DeploymentQuery{Limit: limit}); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("limit %d: err %v, want ErrInvalidInput", limit, err)
		}
	}
	if _, err := s.ListDeployments(ctx, Env{Name: "prod"}, DeploymentQuery{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("no workspace: err %v, want ErrInvalidInput", err)
	}
	p, err := s.ListDeployments(ctx, prod, DeploymentQuery{Since: now.Add(time.Hour)})
	if err != nil || len(p.Deployments) != 0 {
		t.Errorf("since the future: %d deployments, %v", len(p.Deployments), err)
	}
}
