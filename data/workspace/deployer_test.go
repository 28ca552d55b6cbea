package workspace_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

const (
	releaseManagerToken = "dapi-sim-release-manager"
	viewerToken         = "dapi-sim-viewer"
)

var (
	prodDeployer    = sim.DeployerJobID("prod")
	stagingDeployer = sim.DeployerJobID("staging")
)

// The tests that start deployer runs start them in staging, on the dev workspace's server,
// so that the prod workspace's feed stays the estate's for the other tests.
var devServer struct {
	once sync.Once
	srv  *sim.Server
	err  error
}

// stagingAs opens a client of the dev workspace (dev and staging) as a simulated user.
func stagingAs(t *testing.T, token string) *workspace.Client {
	t.Helper()
	s, _ := estate(t)
	devServer.once.Do(func() { devServer.srv, devServer.err = s.Serve(context.Background(), sim.WorkspaceID("staging")) })
	if devServer.err != nil {
		t.Fatal(devServer.err)
	}
	c, err := workspace.Open(ctx(t), workspace.Config{Host: devServer.srv.URL(), Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// deployerParams are the job parameters the cockpit sends a deployer job.
func deployerParams(requestID string) map[string]string {
	return map[string]string{"bundle": sim.AwaitingBundle, "version": "9.9.9", "git_sha": "abc1234", "target": "staging", "request_id": requestID}
}

func TestTheDeployerJobsPermissionsFollowTheGroupsOfEachPerson(t *testing.T) {
	for _, c := range []struct {
		token, want string
		mayRun      bool
	}{
		{viewerToken, "CAN_VIEW", false},
		{oncallToken, "CAN_MANAGE_RUN", true},
		{releaseManagerToken, "CAN_MANAGE_RUN", true},
		{"dapi-sim-ci", "CAN_MANAGE", true},
	} {
		cl := clientAs(t, c.token)
		me, err := cl.Me(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		acl, err := cl.JobPermissions(ctx(t), prodDeployer)
		if err != nil {
			t.Fatal(err)
		}
		if got := workspace.EffectiveJobLevel(me, acl); got != c.want || workspace.CanManageRun(got) != c.mayRun {
			t.Errorf("%s (groups %v): level %q, want %q", me.UserName, me.Groups, got, c.want)
		}
	}
	job, err := clientAs(t, oncallToken).Job(ctx(t), prodDeployer)
	if err != nil {
		t.Fatal(err)
	}
	if job.Name != "release-cockpit-deployer-prod" || !slices.Equal(job.Tasks, []string{"deploy", "gate"}) && !slices.Equal(job.Tasks, []string{"gate", "deploy"}) {
		t.Errorf("deployer job %q with tasks %v", job.Name, job.Tasks)
	}
}

func TestAViewerCannotRunTheDeployerJob(t *testing.T) {
	_, err := clientAs(t, viewerToken).RunNow(ctx(t), prodDeployer, deployerParams(model.NewEventID(time.Now())), model.NewEventID(time.Now()))
	if !errors.Is(err, workspace.ErrPermissionDenied) {
		t.Fatalf("run-now as a viewer: %v, want permission denied", err)
	}
}

func TestUserByNameFindsPeopleAndServicePrincipalsWithTheirGroups(t *testing.T) {
	cl := clientAs(t, oncallToken)
	u, err := cl.UserByName(ctx(t), "marco.bianchi@example.com")
	if err != nil || !slices.Contains(u.Groups, "release-managers") {
		t.Errorf("release manager: %+v, %v", u, err)
	}
	sp, err := cl.UserByName(ctx(t), sim.Users()[3].UserName)
	if err != nil || !slices.Contains(sp.Groups, "deployers") {
		t.Errorf("CI principal: %+v, %v", sp, err)
	}
	if _, err := cl.UserByName(ctx(t), "nobody@example.com"); !errors.Is(err, workspace.ErrNotFound) {
		t.Errorf("unknown user: %v, want not found", err)
	}
}

func TestConcurrentRunNowsWithOneTokenStartOneRun(t *testing.T) {
	cl := stagingAs(t, releaseManagerToken)
	token := model.NewEventID(time.Now())
	var wg sync.WaitGroup
	ids := make([]int64, 8)
	errs := make([]error, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = cl.RunNow(ctx(t), stagingDeployer, deployerParams(token), token)
		}()
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] || ids[0] == 0 {
			t.Fatalf("run-now %d: run %d, %v (first: %d)", i, ids[i], errs[i], ids[0])
		}
	}
}

func TestRunNowRetriedAfterA503Or429StartsOneRun(t *testing.T) {
	s, _ := estate(t)
	cl := stagingAs(t, releaseManagerToken)
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		token := model.NewEventID(time.Now())
		s.InjectRunNowFaults(status)
		id, err := cl.RunNow(ctx(t), stagingDeployer, deployerParams(token), token)
		if err != nil {
			t.Fatalf("run-now after a %d: %v", status, err)
		}
		n := query(t, func(scan func(...any) error) (int, error) { var n int; return n, scan(&n) },
			`SELECT count(*) FROM sim.sim_internal.run_requests WHERE idempotency_token = ?`, token)
		if n[0] != 1 {
			t.Errorf("after a %d: %d runs recorded for the token, want 1 (run %d)", status, n[0], id)
		}
	}
}

// follow polls a run until it ends, returning the life cycle states it went through.
func follow(t *testing.T, cl *workspace.Client, runID int64) (workspace.RunDetail, []string) {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		r, err := cl.GetRun(ctx(t), runID)
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != r.LifeCycleState {
			seen = append(seen, r.LifeCycleState)
		}
		if !r.Active() {
			return r, seen
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("run %d did not end (states %v)", runID, seen)
	return workspace.RunDetail{}, nil
}

// resultOf reads the result events of a request from the ledger.
func resultOf(t *testing.T, requestID string) []string {
	return query(t, func(scan func(...any) error) (string, error) {
		var kind, actor string
		err := scan(&kind, &actor)
		return kind + " by " + actor, err
	}, `SELECT kind, actor FROM sim.release_cockpit.release_events WHERE event_id = ?`, model.ResultEventID(requestID))
}

func TestADeployerRunProgressesOnTheWallClockWhileTheEstateIsFrozenAndWritesOneResult(t *testing.T) {
	s, _ := estate(t)
	s.SetDeployerStep(40 * time.Millisecond)
	var gated []sim.GateRun
	var mu sync.Mutex
	s.SetDeployGate(func(_ context.Context, r sim.GateRun) ([]string, error) {
		mu.Lock()
		defer mu.Unlock()
		gated = append(gated, r)
		return nil, nil
	})
	t.Cleanup(func() { s.SetDeployGate(nil); s.SetDeployerStep(sim.DefaultDeployerStep) })
	cl := stagingAs(t, releaseManagerToken)
	req := model.NewEventID(time.Now())
	id, err := cl.RunNow(ctx(t), stagingDeployer, deployerParams(req), req)
	if err != nil {
		t.Fatal(err)
	}
	r, seen := follow(t, cl, id)
	if r.ResultState != "SUCCESS" || r.CreatorUserName != "marco.bianchi@example.com" || r.Parameters["request_id"] != req {
		t.Errorf("run ended %s/%s by %s with %v", r.LifeCycleState, r.ResultState, r.CreatorUserName, r.Parameters)
	}
	if !slices.Contains(seen, "RUNNING") || seen[len(seen)-1] != "TERMINATED" {
		t.Errorf("states %v: want it seen running, then terminated", seen)
	}
	if len(r.Tasks) != 2 || r.Tasks[0].Key != "gate" || r.Tasks[1].ResultState != "SUCCESS" {
		t.Errorf("tasks %+v", r.Tasks)
	}
	mine := 0
	for _, g := range gated {
		if g.RunID == id {
			mine++
			if g.Creator != "marco.bianchi@example.com" || g.Environment != "staging" || g.Parameters["request_id"] != req {
				t.Errorf("gate decided on %+v", g)
			}
		}
	}
	if mine != 1 {
		t.Errorf("the gate of run %d was decided %d times, want once", id, mine)
	}
	if got := resultOf(t, req); !slices.Equal(got, []string{"deploy_succeeded by marco.bianchi@example.com"}) {
		t.Errorf("results %v", got)
	}
	res := query(t, func(scan func(...any) error) (int, error) { var n int; return n, scan(&n) },
		`SELECT count(*) FROM sim.release_cockpit.release_resources WHERE release_id = ? AND environment = 'staging'`, sim.AwaitingBundle+"@9.9.9")
	if res[0] == 0 {
		t.Error("a successful deploy recorded no release_resources")
	}
}

func TestABlockedGateFailsTheDeployerRunWithItsReasons(t *testing.T) {
	s, _ := estate(t)
	s.SetDeployerStep(20 * time.Millisecond)
	s.SetDeployGate(func(context.Context, sim.GateRun) ([]string, error) {
		return []string{"approvals: 0 of 1", "freeze: prod is frozen"}, nil
	})
	t.Cleanup(func() { s.SetDeployGate(nil); s.SetDeployerStep(sim.DefaultDeployerStep) })
	cl := stagingAs(t, oncallToken)
	req := model.NewEventID(time.Now())
	id, err := cl.RunNow(ctx(t), stagingDeployer, deployerParams(req), req)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := follow(t, cl, id)
	want := "cockpit gate refused the deployment: approvals: 0 of 1; freeze: prod is frozen"
	if r.ResultState != "FAILED" || r.StateMessage != want {
		t.Errorf("run ended %s: %q", r.ResultState, r.StateMessage)
	}
	if r.Tasks[0].ResultState != "FAILED" || r.Tasks[1].ResultState != "UPSTREAM_FAILED" {
		t.Errorf("tasks %s, %s", r.Tasks[0].ResultState, r.Tasks[1].ResultState)
	}
	if got := resultOf(t, req); !slices.Equal(got, []string{"deploy_failed by priya.raman@example.com"}) {
		t.Errorf("results %v", got)
	}
}

func TestFindRunFindsADeployerRunByItsRequestID(t *testing.T) {
	cl := stagingAs(t, releaseManagerToken)
	req := model.NewEventID(time.Now())
	id, err := cl.RunNow(ctx(t), stagingDeployer, deployerParams(req), req)
	if err != nil {
		t.Fatal(err)
	}
	r, ok, err := cl.FindRun(ctx(t), stagingDeployer, fixedNow.Add(-time.Hour), "request_id", req)
	if err != nil || !ok || r.RunID != id {
		t.Errorf("found %d (%v, %v), want %d", r.RunID, ok, err, id)
	}
	_, ok, err = cl.FindRun(ctx(t), stagingDeployer, fixedNow.Add(-time.Hour), "request_id", fmt.Sprint("none-", req))
	if err != nil || ok {
		t.Errorf("found a run for an unknown request (%v)", err)
	}
}
