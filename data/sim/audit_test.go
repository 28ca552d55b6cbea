package sim

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

func openNoLedger(t testing.TB, days int) *Sim {
	t.Helper()
	s, err := Open(context.Background(), Options{Seed: 7, Clock: fixedClock(testNow), Days: days, NoLedger: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A bundle deploy leaves one audit row per job reset and pipeline edit, by the deploying
// user, ending a second before it succeeded; a failed deploy leaves none; an estate without
// a ledger has no ledger tables at all.
func TestEveryDeployLeavesAuditRowsAndNoLedgerMeansNoTables(t *testing.T) {
	s := openNoLedger(t, 2)
	if s.HasLedger() {
		t.Error("an estate opened with NoLedger says it has a ledger")
	}
	var n int64
	if err := s.DB().QueryRow("SELECT count(*) FROM sim.release_cockpit.release_events").Scan(&n); err == nil {
		t.Errorf("the ledger table exists in an estate without a ledger (%d rows)", n)
	}
	checked := 0
	for _, d := range s.gen.tl.all {
		if d.at.Before(testNow.Add(-36*time.Hour)) || d.at.After(testNow) {
			continue
		}
		ws := WorkspaceID(d.env)
		root := bundleRoot(d.bundle.name, d.env)
		// One `bundle deploy` command: its requests share the user agent's cmd-exec-id.
		q := `SELECT count(*) FROM sim.access.audit WHERE workspace_id = ? AND event_time BETWEEN ? AND ? AND user_identity.email = ?
		  AND user_agent LIKE '%cmd-exec-id/' || md5(? || ? || ? || CAST(CAST(? AS TIMESTAMP) AS VARCHAR) || ?) || '%'
		  AND ((service_name = 'jobs' AND action_name = 'reset' AND request_params['new_settings'] LIKE ?)
		    OR (service_name = 'deltaPipelines' AND action_name = 'edit' AND request_params['pipeline_id'] IN
		      (SELECT resource_id FROM sim.sim_internal.bundle_resources WHERE bundle = ? AND environment = ?)))`
		got := count(t, s, q, ws, d.at.Add(-time.Minute), d.at.Add(-time.Second), d.actor,
			ws, d.bundle.name, d.env, d.at.Format("2006-01-02 15:04:05"), d.version,
			`%"metadata_file_path":"`+root+`/state/metadata.json"%"default":"`+d.version+`"%`, d.bundle.name, d.env)
		want := int64(len(d.bundle.jobs) + len(d.bundle.pipes))
		if d.failed {
			want = 0
		}
		if got != want {
			t.Fatalf("%s@%s in %s at %s: %d audit rows, want %d", d.bundle.name, d.version, d.env, d.at, got, want)
		}
		checked++
	}
	if checked < 100 {
		t.Fatalf("only %d deployments checked", checked)
	}
	if late := count(t, s, `SELECT count(*) FROM sim.access.audit a WHERE NOT EXISTS (SELECT 1 FROM sim.sim_internal.bundle_deploys d
	  WHERE d.workspace_id = a.workspace_id AND a.event_time < d.deployed_at AND a.event_time >= d.deployed_at - INTERVAL 1 MINUTE)`); late != 0 {
		t.Errorf("%d audit rows belong to no deploy", late)
	}
}

// The deployment history service answers for about half of the bundles, each version with
// its commit and outcome, newest first, paged.
func TestDeploymentHistoryServiceListsVersionsNewestFirst(t *testing.T) {
	s := openNoLedger(t, 2)
	srv, err := s.Serve(context.Background(), WorkspaceID("prod"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	fx := &fixture{sim: s, srv: srv}
	var list struct {
		Deployments []struct {
			Name          string `json:"name"`
			DisplayName   string `json:"display_name"`
			TargetName    string `json:"target_name"`
			LastVersionID string `json:"last_version_id"`
		} `json:"deployments"`
		NextPageToken string `json:"next_page_token"`
	}
	if code := fx.get(t, "/api/2.0/bundle/deployments", url.Values{"page_size": {"1000"}}, &list); code != 200 {
		t.Fatalf("list: %d", code)
	}
	recorded := 0
	for _, b := range s.estate.bundles {
		if recordsHistory(b) && len(s.gen.tl.byKey[key(b.name, "prod")]) > 0 {
			recorded++
		}
	}
	if len(list.Deployments) != recorded || recorded < 10 {
		t.Fatalf("%d deployments listed, want %d (bundles with prod deploys that record history)", len(list.Deployments), recorded)
	}
	d := list.Deployments[0]
	b := s.estate.byName[d.DisplayName]
	if b == nil || !recordsHistory(b) || d.TargetName != "prod" || !strings.HasPrefix(d.Name, "deployments/") {
		t.Fatalf("unexpected deployment %+v", d)
	}
	var vs struct {
		Versions []struct {
			VersionID        string `json:"version_id"`
			CompletionReason string `json:"completion_reason"`
			CompleteTime     string `json:"complete_time"`
			CreatedBy        string `json:"created_by"`
			GitInfo          struct {
				Commit string `json:"commit"`
			} `json:"git_info"`
		} `json:"versions"`
		NextPageToken string `json:"next_page_token"`
	}
	if code := fx.get(t, "/api/2.0/bundle/"+d.Name+"/versions", url.Values{"page_size": {"100"}}, &vs); code != 200 {
		t.Fatalf("versions: %d", code)
	}
	var truth []*deployment
	for _, x := range s.gen.tl.all {
		if x.bundle == b && x.env == "prod" && !x.at.After(testNow) {
			truth = append(truth, x)
		}
	}
	if len(vs.Versions) != len(truth) || vs.Versions[0].VersionID != d.LastVersionID {
		t.Fatalf("%d versions (first %v), want %d ending at %s", len(vs.Versions), vs.Versions, len(truth), d.LastVersionID)
	}
	for i, v := range vs.Versions {
		x := truth[len(truth)-1-i]
		at, err := time.Parse(time.RFC3339, v.CompleteTime)
		if err != nil || !at.Equal(x.at.Truncate(time.Second)) || v.GitInfo.Commit != x.sha || v.CreatedBy != x.actor ||
			(v.CompletionReason == "VERSION_COMPLETE_FAILURE") != x.failed {
			t.Errorf("version %s = %+v, want %s by %s at %s (failed %v)", v.VersionID, v, x.sha, x.actor, x.at, x.failed)
		}
	}
	if code := fx.get(t, "/api/2.0/bundle/deployments", url.Values{"page_size": {"0"}}, nil); code != 400 {
		t.Errorf("page_size 0: %d, want 400", code)
	}
	if code := fx.get(t, "/api/2.0/bundle/deployments/nope/versions", nil, nil); code != 404 {
		t.Errorf("unknown deployment: %d, want 404", code)
	}
}
