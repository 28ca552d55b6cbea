package warehouse

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

func TestIncidentRunsAndUpdatesMatchItsHealth(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	d := incident(t, s)
	runs, _, err := s.DeploymentRuns(ctx, prod, d)
	if err != nil {
		t.Fatal(err)
	}
	var h model.Health
	for _, r := range runs {
		switch {
		case r.Succeeded():
			h.RunsSucceeded++
		case r.Failed():
			h.RunsFailed++
			if r.TerminationCode == "" || r.End.IsZero() {
				t.Errorf("failed run %s has no termination code or end: %+v", r.RunID, r)
			}
		case r.Active():
			h.RunsActive++
		}
		if r.WorkspaceID != prod.WorkspaceID || r.RunName == "" || !d.Window.Contains(r.Start) {
			t.Errorf("run %+v does not belong to %s in %s", r, d.ID, prod.WorkspaceID)
		}
	}
	updates, _, err := s.DeploymentUpdates(ctx, prod, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range updates {
		switch u.ResultState {
		case "COMPLETED":
			h.UpdatesOK++
		case "FAILED":
			h.UpdatesFailed++
		}
		if u.UpdateType == "" || !d.Window.Contains(u.Start) {
			t.Errorf("update %+v does not belong to %s", u, d.ID)
		}
	}
	if h.RunsFailed+h.UpdatesFailed == 0 {
		t.Error("the incident should have failed runs or updates")
	}
	h.RecordsPassed, h.RecordsFailed, h.BaselineRatio = d.Health.RecordsPassed, d.Health.RecordsFailed, d.Health.BaselineRatio
	h.Baseline = d.Health.Baseline
	if !reflect.DeepEqual(h, d.Health) {
		t.Errorf("runs and updates fold to %+v, the list says %+v", h, d.Health)
	}
}

func TestIncidentExpectationJumpedAgainstThePreviousDeployment(t *testing.T) {
	s := testStore(t)
	d := incident(t, s)
	es, _, err := s.DeploymentExpectations(context.Background(), prod, d)
	if err != nil {
		t.Fatal(err)
	}
	var passed, failed int64
	var jumped []string
	for _, e := range es {
		passed, failed = passed+e.PassedRecords, failed+e.FailedRecords
		if e.Regressed(10) && e.FailureRatio() > 0.1 && e.BaselineRatio >= 0 && e.BaselineRatio < 0.01 {
			jumped = append(jumped, e.Expectation)
		}
		if e.UpdateID != "" || e.PipelineID == "" || e.Dataset == "" {
			t.Errorf("expectation row %+v: want a pipeline and dataset, no single update", e)
		}
	}
	if passed != d.Health.RecordsPassed || failed != d.Health.RecordsFailed {
		t.Errorf("expectations sum to %d/%d records, health says %d/%d", passed, failed, d.Health.RecordsPassed, d.Health.RecordsFailed)
	}
	if len(jumped) != 1 {
		t.Fatalf("expectations that jumped from under 1%% to over 10%%: %v, want one", jumped)
	}
	if jumped[0] != sim.IncidentExpectation {
		t.Errorf("%s jumped, the story breaks %s", jumped[0], sim.IncidentExpectation)
	}
}

func TestIncidentChecksIncludePreAndPostDeployChecks(t *testing.T) {
	s := testStore(t)
	d := incident(t, s)
	cs, err := s.DeploymentChecks(context.Background(), prod, d)
	if err != nil {
		t.Fatal(err)
	}
	var post []model.Check
	phases := map[model.Phase]int{}
	for _, c := range cs {
		phases[c.Phase]++
		if c.Name == "" {
			t.Errorf("check without a name: %+v", c)
		}
		if d.Window.Contains(c.At) {
			post = append(post, c)
		}
		if c.Name == "expectations" && (c.Outcome != model.OutcomeFail || !strings.Contains(c.Observed, "%") || c.Threshold == "") {
			t.Errorf("expectations check %+v: want a failure with observed and threshold", c)
		}
	}
	if phases[model.PhasePre] == 0 || phases[model.PhasePost] == 0 {
		t.Errorf("check phases %v: want pre- and post-deploy checks", phases)
	}
	if got := model.CountChecks(post); got != d.Checks {
		t.Errorf("checks inside the window count %+v, the list says %+v", got, d.Checks)
	}
}

func TestIncidentEventsAreTheReleasesAuditTrail(t *testing.T) {
	s := testStore(t)
	d := incident(t, s)
	evs, err := s.DeploymentEvents(context.Background(), prod, d)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[model.EventKind]int{}
	ids := map[string]bool{}
	for i, e := range evs {
		kinds[e.Kind]++
		if ids[e.EventID] {
			t.Errorf("event %s twice", e.EventID)
		}
		ids[e.EventID] = true
		if e.ReleaseID != d.Release.ID() || (e.Environment != prod.Name && e.Kind != model.EventVetoed) {
			t.Errorf("event %+v is not of %s in prod", e, d.Release.ID())
		}
		if i > 0 && e.At.Before(evs[i-1].At) {
			t.Errorf("events not oldest first at %d", i)
		}
	}
	if !ids[d.ID] || kinds[model.EventDeployRequested] == 0 || kinds[model.EventCheck] == 0 {
		t.Errorf("audit trail kinds %v: want the request, the deploy_succeeded %s and checks", kinds, d.ID)
	}
}

func TestIncidentLineageReachesConsumersTwoHopsAway(t *testing.T) {
	s := testStore(t)
	d := incident(t, s)
	ls, _, err := s.DeploymentLineage(context.Background(), prod, d)
	if err != nil {
		t.Fatal(err)
	}
	byHop := map[model.LineageDirection]map[int][]model.LineageTable{}
	written := map[string]bool{}
	for _, l := range ls {
		if byHop[l.Direction] == nil {
			byHop[l.Direction] = map[int][]model.LineageTable{}
		}
		byHop[l.Direction][l.Hops] = append(byHop[l.Direction][l.Hops], l)
		if l.Direction == model.LineageWritten {
			written[l.Table] = true
		}
	}
	if len(byHop[model.LineageUpstream][0]) == 0 || len(written) == 0 {
		t.Fatalf("lineage %+v: want tables read and written", ls)
	}
	for w := range written {
		if !strings.Contains(w, ".silver.") {
			t.Errorf("the incident bundle wrote %s, want silver tables", w)
		}
	}
	gold := false
	for _, l := range byHop[model.LineageDownstream][1] {
		if !written[l.Via] || l.Consumer == "" {
			t.Errorf("hop 1 %+v is not reached from a written table by a consumer", l)
		}
		gold = gold || strings.Contains(l.Table, ".gold.")
	}
	if !gold {
		t.Errorf("hop 1 %+v: want the downstream gold table", byHop[model.LineageDownstream][1])
	}
	if !hop1Has(byHop[model.LineageDownstream][1], sim.IncidentGoldTable) {
		t.Errorf("the story's downstream gold table %s is not among the affected consumers", sim.IncidentGoldTable)
	}
	hop1Tables := map[string]bool{}
	for _, l := range byHop[model.LineageDownstream][1] {
		hop1Tables[l.Table] = true
	}
	otherBundle := false
	for _, l := range byHop[model.LineageDownstream][2] {
		if !hop1Tables[l.Via] {
			t.Errorf("hop 2 %+v is not reached from a hop-1 table", l)
		}
		otherBundle = otherBundle || strings.HasPrefix(l.Table, "analytics.")
	}
	if !otherBundle {
		t.Errorf("hop 2 %+v: want the consumer bundle reading the gold table", byHop[model.LineageDownstream][2])
	}
	if n := model.BlastRadius(ls); n < len(byHop[model.LineageDownstream][1]) || n < 3 {
		t.Errorf("blast radius %d for %d downstream rows", n, len(byHop[model.LineageDownstream][1])+len(byHop[model.LineageDownstream][2]))
	}
}

func TestCostSumsBillingPerRunAndSaysHowLateBillingIs(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	inc := incident(t, s)
	c, err := s.DeploymentCost(ctx, prod, inc)
	if err != nil {
		t.Fatal(err)
	}
	if c.DataThrough.IsZero() || c.DataThrough.After(now) {
		t.Errorf("billing data through %v", c.DataThrough)
	}
	if len(c.Items) == 0 {
		t.Error("the incident's runs and updates should be listed, billed or not")
	}
	// Each item comes with its job's or pipeline's name, as ResourceNames reads it.
	var ids []string
	for _, it := range c.Items {
		ids = append(ids, it.ResourceID)
	}
	names, err := s.ResourceNames(ctx, prod, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range c.Items {
		if it.ResourceName == "" || it.ResourceName != names[it.ResourceID] {
			t.Errorf("%s %s is named %q, ResourceNames says %q", it.ResourceType, it.ResourceID, it.ResourceName, names[it.ResourceID])
		}
	}
	// The cost, its names and how late billing is cost one round trip.
	w := &slowStore{}
	const late = 300 * time.Millisecond
	if _, err := s.Observed(w.observe(late)).DeploymentCost(ctx, prod, inc); err != nil {
		t.Fatal(err)
	}
	if len(w.sent) != 2 || w.firstRound(late) != 2 {
		t.Errorf("the cost sent %d statements, %d in the first round trip; want 2, both", len(w.sent), w.firstRound(late))
	}
	// A deployment whose window closed well before billing's horizon is fully billed.
	p, err := s.ListDeployments(ctx, prod, DeploymentQuery{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Deployments {
		if d.Window.Open() || d.Window.End.After(c.DataThrough.Add(-runTail)) || d.Health.RunsSucceeded+d.Health.UpdatesOK == 0 {
			continue
		}
		c, err := s.DeploymentCost(ctx, prod, d)
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		for _, it := range c.Items {
			var dbus float64
			column := map[string]string{"job": "job_run_id", "pipeline": "dlt_update_id"}[it.ResourceType]
			err := s.db.QueryRow(`SELECT COALESCE(CAST(SUM(usage_quantity) AS DOUBLE), 0) FROM sim.billing.usage
				WHERE usage_unit = 'DBU' AND workspace_id = ? AND usage_metadata.`+column+` = ?`, prod.WorkspaceID, it.RunID).Scan(&dbus)
			if err != nil {
				t.Fatal(err)
			}
			if diff := dbus - it.DBUs; diff > 1e-6 || diff < -1e-6 {
				t.Errorf("%s %s: %f DBUs, billing holds %f", it.ResourceType, it.RunID, it.DBUs, dbus)
			}
			want += dbus
		}
		if c.DBUs <= 0 || c.DBUs-want > 1e-6 || want-c.DBUs > 1e-6 {
			t.Errorf("%s: total %f DBUs, want %f > 0", d.ID, c.DBUs, want)
		}
		return
	}
	t.Fatal("no deployment with a closed, billed window")
}

func TestPerDeploymentReadsRejectABadEnvironment(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	d := model.Deployment{Release: model.Release{Bundle: "b", Version: "1"}, Window: model.Window{Start: now}}
	bad := Env{Name: "prod"}
	calls := map[string]func() error{
		"runs":         func() error { _, _, err := s.DeploymentRuns(ctx, bad, d); return err },
		"updates":      func() error { _, _, err := s.DeploymentUpdates(ctx, bad, d); return err },
		"expectations": func() error { _, _, err := s.DeploymentExpectations(ctx, bad, d); return err },
		"checks":       func() error { _, err := s.DeploymentChecks(ctx, bad, d); return err },
		"events":       func() error { _, err := s.DeploymentEvents(ctx, bad, d); return err },
		"lineage":      func() error { _, _, err := s.DeploymentLineage(ctx, bad, d); return err },
		"cost":         func() error { _, err := s.DeploymentCost(ctx, bad, d); return err },
		"get":          func() error { _, err := s.GetDeployment(ctx, bad, "b@1"); return err },
		"get by id":    func() error { _, err := s.GetDeploymentByID(ctx, bad, "x"); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s without a workspace: err %v", name, err)
		}
	}
}

func hop1Has(ls []model.LineageTable, table string) bool {
	for _, l := range ls {
		if l.Table == table {
			return true
		}
	}
	return false
}
