package sim

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestServerAnswersUnauthenticatedWithoutAValidToken(t *testing.T) {
	fx := newFixture(t)
	for _, token := range []string{"", "dapi-not-a-user"} {
		var e apiErr
		if st := fx.call(t, http.MethodGet, "/api/2.0/preview/scim/v2/Me", token, "", &e); st != http.StatusUnauthorized || e.ErrorCode != "UNAUTHENTICATED" {
			t.Errorf("token %q: got %d %+v, want 401 UNAUTHENTICATED", token, st, e)
		}
	}
	var e apiErr
	if st := fx.get(t, "/api/2.0/clusters/list", nil, &e); st != http.StatusNotFound || e.ErrorCode != "ENDPOINT_NOT_FOUND" {
		t.Errorf("unknown route: got %d %+v, want 404 ENDPOINT_NOT_FOUND", st, e)
	}
}

func TestPipelinesListFiltersPagesAndShowsState(t *testing.T) {
	fx := newFixture(t)
	type page struct {
		Statuses []struct {
			PipelineID    string `json:"pipeline_id"`
			Name          string `json:"name"`
			State         string `json:"state"`
			Health        string `json:"health"`
			LatestUpdates []struct {
				UpdateID     string `json:"update_id"`
				State        string `json:"state"`
				CreationTime string `json:"creation_time"`
			} `json:"latest_updates"`
		} `json:"statuses"`
		NextPageToken string `json:"next_page_token"`
	}
	var names []string
	q := url.Values{"max_results": {"1"}}
	for {
		var p page
		fx.get(t, "/api/2.0/pipelines", q, &p)
		for _, s := range p.Statuses {
			names = append(names, s.Name)
		}
		if p.NextPageToken == "" {
			break
		}
		q.Set("page_token", p.NextPageToken)
	}
	if !slices.Equal(names, []string{"prod-clickstream-dlt", "prod-ecommerce-orders-dlt"}) {
		t.Errorf("pipelines %v: want both live pipelines in name order, not the deleted one", names)
	}
	var p page
	fx.get(t, "/api/2.0/pipelines", url.Values{"filter": {"name LIKE '%orders%'"}}, &p)
	if len(p.Statuses) != 1 || p.Statuses[0].PipelineID != fxP1 {
		t.Fatalf("filtered list %+v", p.Statuses)
	}
	s := p.Statuses[0]
	if s.State != "RUNNING" || s.Health != "UNHEALTHY" || len(s.LatestUpdates) != 3 || s.LatestUpdates[0].UpdateID != fxU3 ||
		s.LatestUpdates[1].State != "FAILED" || s.LatestUpdates[1].CreationTime != rfc3339ms(fixtureNow.Add(-90*time.Minute)) {
		t.Errorf("orders pipeline: %+v", s)
	}
	for _, q := range []url.Values{{"max_results": {"101"}}, {"filter": {"tags.team = 'x'"}}} {
		var e apiErr
		if st := fx.get(t, "/api/2.0/pipelines", q, &e); st != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", q, st)
		}
	}
}

func TestPipelineGetAndUpdates(t *testing.T) {
	fx := newFixture(t)
	var p struct {
		State string `json:"state"`
		Spec  struct {
			Deployment struct {
				Kind             string `json:"kind"`
				MetadataFilePath string `json:"metadata_file_path"`
			} `json:"deployment"`
			Tags map[string]string `json:"tags"`
		} `json:"spec"`
	}
	if st := fx.get(t, "/api/2.0/pipelines/"+fxP1, nil, &p); st != http.StatusOK || p.Spec.Deployment.MetadataFilePath != fxMetaPath || p.Spec.Tags["team"] != "orders" {
		t.Errorf("pipeline: %d %+v", st, p)
	}
	var e apiErr
	if st := fx.get(t, "/api/2.0/pipelines/"+fxP3, nil, &e); st != http.StatusNotFound || e.ErrorCode != "RESOURCE_DOES_NOT_EXIST" {
		t.Errorf("deleted pipeline: %d %+v", st, e)
	}
	type updates struct {
		Updates []struct {
			UpdateID     string `json:"update_id"`
			State        string `json:"state"`
			Cause        string `json:"cause"`
			CreationTime int64  `json:"creation_time"`
			FullRefresh  bool   `json:"full_refresh"`
		} `json:"updates"`
		NextPageToken string `json:"next_page_token"`
	}
	var all updates
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/updates", nil, &all)
	if len(all.Updates) != 3 || all.Updates[0].State != "RUNNING" || all.Updates[1].State != "FAILED" || !all.Updates[1].FullRefresh ||
		all.Updates[2].State != "COMPLETED" || all.Updates[2].Cause != "JOB_TASK" || all.Updates[2].CreationTime != fixtureNow.Add(-3*time.Hour-50*time.Minute).UnixMilli() {
		t.Errorf("updates %+v", all.Updates)
	}
	var p1, p2 updates
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/updates", url.Values{"max_results": {"2"}}, &p1)
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/updates", url.Values{"max_results": {"2"}, "page_token": {p1.NextPageToken}}, &p2)
	if len(p1.Updates) != 2 || len(p2.Updates) != 1 || p2.Updates[0].UpdateID != fxU1 || p2.NextPageToken != "" {
		t.Errorf("pages of 2: %+v then %+v", p1, p2)
	}
	var until updates
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/updates", url.Values{"until_update_id": {fxU2}}, &until)
	if len(until.Updates) != 2 || until.Updates[1].UpdateID != fxU2 {
		t.Errorf("until %s: %+v", fxU2, until.Updates)
	}
	var one struct {
		Update struct {
			UpdateID string `json:"update_id"`
			State    string `json:"state"`
		} `json:"update"`
	}
	if fx.get(t, "/api/2.0/pipelines/"+fxP1+"/updates/"+fxU2, nil, &one); one.Update.State != "FAILED" {
		t.Errorf("get update: %+v", one)
	}
	if st := fx.get(t, "/api/2.0/pipelines/"+fxP1+"/updates/nope", nil, &e); st != http.StatusNotFound {
		t.Errorf("unknown update: %d", st)
	}
}

type eventsPage struct {
	Events []struct {
		ID        string `json:"id"`
		EventType string `json:"event_type"`
		Level     string `json:"level"`
		Timestamp string `json:"timestamp"`
		Origin    struct {
			UpdateID    string `json:"update_id"`
			FlowName    string `json:"flow_name"`
			DatasetName string `json:"dataset_name"`
		} `json:"origin"`
		Error *struct {
			Exceptions []struct {
				Message string `json:"message"`
			} `json:"exceptions"`
		} `json:"error"`
		Details struct {
			UpdateProgress *struct {
				State string `json:"state"`
			} `json:"update_progress"`
			FlowProgress *struct {
				Status  string `json:"status"`
				Metrics struct {
					NumOutputRows int64 `json:"num_output_rows"`
				} `json:"metrics"`
				DataQuality *struct {
					Expectations []struct {
						Name          string `json:"name"`
						Dataset       string `json:"dataset"`
						PassedRecords int64  `json:"passed_records"`
						FailedRecords int64  `json:"failed_records"`
					} `json:"expectations"`
				} `json:"data_quality"`
			} `json:"flow_progress"`
		} `json:"details"`
	} `json:"events"`
	NextPageToken string `json:"next_page_token"`
}

func TestEventsOfAnUpdateCarryFlowsAndExpectations(t *testing.T) {
	fx := newFixture(t)
	var p eventsPage
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/events", url.Values{"filter": {"update_id = '" + fxU1 + "'"}}, &p)
	var types []string
	for i := len(p.Events) - 1; i >= 0; i-- {
		types = append(types, p.Events[i].EventType)
	}
	want := []string{"create_update", "update_progress", "update_progress", "flow_progress", "flow_progress", "update_progress"}
	if !slices.Equal(types, want) {
		t.Fatalf("event types oldest first %v, want %v", types, want)
	}
	orders := p.Events[2]
	fp := orders.Details.FlowProgress
	if orders.Origin.FlowName != "orders" || fp == nil || fp.Metrics.NumOutputRows != 1000 || fp.DataQuality == nil || len(fp.DataQuality.Expectations) != 2 {
		t.Fatalf("orders flow event %+v", orders)
	}
	e := fp.DataQuality.Expectations[1]
	if e.Name != "valid_client_id" || e.Dataset != "ecommerce.silver.orders" || e.PassedRecords != 900 || e.FailedRecords != 100 {
		t.Errorf("expectation %+v", e)
	}
	if last := p.Events[0]; last.Details.UpdateProgress == nil || last.Details.UpdateProgress.State != "COMPLETED" || last.Timestamp != rfc3339ms(fixtureNow.Add(-3*time.Hour+5*time.Minute)) {
		t.Errorf("last event %+v", last)
	}

	var failed eventsPage
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/events", url.Values{"filter": {"update_id = '" + fxU2 + "' AND level = 'ERROR'"}}, &failed)
	if len(failed.Events) != 2 {
		t.Fatalf("ERROR events of the failed update: %+v", failed.Events)
	}
	fatal := failed.Events[0]
	if fatal.Details.UpdateProgress == nil || fatal.Details.UpdateProgress.State != "FAILED" || fatal.Error == nil ||
		!strings.Contains(fatal.Error.Exceptions[0].Message, "valid_client_id") {
		t.Errorf("failure event %+v", fatal)
	}
}

func TestEventsPageInBothOrdersWithTheSameEvents(t *testing.T) {
	fx := newFixture(t)
	var all eventsPage
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/events", url.Values{"max_results": {"1000"}}, &all)
	// U1: 6 events, U2: 5, U3 (running for 2 of 12 minutes): create_update, INITIALIZING, RUNNING.
	if len(all.Events) != 14 || all.NextPageToken != "" {
		t.Fatalf("got %d events (token %q), want 14 on one page", len(all.Events), all.NextPageToken)
	}
	collect := func(q url.Values) []string {
		var ids []string
		for {
			var p eventsPage
			if st := fx.get(t, "/api/2.0/pipelines/"+fxP1+"/events", q, &p); st != http.StatusOK {
				t.Fatalf("status %d", st)
			}
			for _, e := range p.Events {
				ids = append(ids, e.ID)
			}
			if p.NextPageToken == "" {
				return ids
			}
			q = url.Values{"max_results": q["max_results"], "page_token": {p.NextPageToken}}
		}
	}
	var want []string
	for _, e := range all.Events {
		want = append(want, e.ID)
	}
	if got := collect(url.Values{"max_results": {"3"}}); !slices.Equal(got, want) {
		t.Errorf("pages of 3 newest first:\n%v\nwant\n%v", got, want)
	}
	slices.Reverse(want)
	if got := collect(url.Values{"max_results": {"4"}, "order_by": {"timestamp asc"}}); !slices.Equal(got, want) {
		t.Errorf("pages of 4 oldest first:\n%v\nwant\n%v", got, want)
	}
	var since eventsPage
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/events", url.Values{"filter": {"timestamp >= '" + rfc3339ms(fixtureNow.Add(-90*time.Minute)) + "' AND level in ('INFO', 'WARN')"}}, &since)
	// U2 (started exactly 90 minutes ago) and U3: create_update, INITIALIZING and RUNNING each;
	// U2's failed flow and its end are at level ERROR.
	if len(since.Events) != 6 {
		t.Errorf("INFO events of the last 90 minutes: %d", len(since.Events))
	}
}

func TestEventsOfALongHistoryPageLikeOneReadOfEverything(t *testing.T) {
	fx := newFixture(t)
	path := "/api/2.0/pipelines/" + fxP2 + "/events"
	read := func(q url.Values) []string {
		var ids []string
		for {
			var p eventsPage
			if st := fx.get(t, path, q, &p); st != http.StatusOK {
				t.Fatalf("status %d", st)
			}
			for _, e := range p.Events {
				ids = append(ids, e.ID)
			}
			if p.NextPageToken == "" {
				return ids
			}
			q = url.Values{"max_results": q["max_results"], "page_token": {p.NextPageToken}}
		}
	}
	for _, filter := range []string{"", "level = 'INFO'", "timestamp < '" + rfc3339ms(fixtureNow.Add(-10*time.Hour)) + "'"} {
		all := read(url.Values{"max_results": {"1000"}, "filter": {filter}})
		if filter == "" && len(all) != 5*fxP2Updates {
			t.Fatalf("%d events, want 5 for each of %d updates", len(all), fxP2Updates)
		}
		if got := read(url.Values{"max_results": {"7"}, "filter": {filter}}); !slices.Equal(got, all) {
			t.Errorf("filter %q: %d events in pages of 7 differ from the %d read at once", filter, len(got), len(all))
		}
		slices.Reverse(all)
		if got := read(url.Values{"max_results": {"11"}, "filter": {filter}, "order_by": {"timestamp asc"}}); !slices.Equal(got, all) {
			t.Errorf("filter %q: %d events oldest first in pages of 11 differ from the %d read at once", filter, len(got), len(all))
		}
	}
}

func TestEventsRejectWhatTheRealAPIRejects(t *testing.T) {
	fx := newFixture(t)
	var p eventsPage
	fx.get(t, "/api/2.0/pipelines/"+fxP1+"/events", url.Values{"max_results": {"2"}}, &p)
	path := "/api/2.0/pipelines/" + fxP1 + "/events"
	for name, q := range map[string]url.Values{
		"event_type":           {"filter": {"event_type = 'flow_progress'"}},
		"event_type in AND":    {"filter": {"level = 'INFO' AND event_type in ('flow_progress')"}},
		"unknown syntax":       {"filter": {"update_id == 'x'"}},
		"OR":                   {"filter": {"level = 'INFO' OR level = 'WARN'"}},
		"max_results > 1000":   {"max_results": {"1001"}},
		"token and order_by":   {"page_token": {p.NextPageToken}, "order_by": {"timestamp asc"}},
		"token, other filter":  {"page_token": {p.NextPageToken}, "filter": {"level = 'ERROR'"}},
		"bad order_by":         {"order_by": {"level asc"}},
		"bad timestamp filter": {"filter": {"timestamp > 'yesterday'"}},
	} {
		var e apiErr
		if st := fx.get(t, path, q, &e); st != http.StatusBadRequest || e.ErrorCode != "INVALID_PARAMETER_VALUE" {
			t.Errorf("%s: %d %+v, want 400 INVALID_PARAMETER_VALUE", name, st, e)
		}
	}
	var e apiErr
	fx.get(t, path, url.Values{"filter": {"event_type = 'x'"}}, &e)
	if !strings.Contains(e.Message, "event_type") {
		t.Errorf("event_type refusal says %q", e.Message)
	}
}

func TestPermissionsListPrincipalsWithTheirLevels(t *testing.T) {
	fx := newFixture(t)
	var acl struct {
		ObjectID   string `json:"object_id"`
		ObjectType string `json:"object_type"`
		ACL        []struct {
			UserName             string `json:"user_name"`
			GroupName            string `json:"group_name"`
			ServicePrincipalName string `json:"service_principal_name"`
			AllPermissions       []struct {
				PermissionLevel     string   `json:"permission_level"`
				Inherited           bool     `json:"inherited"`
				InheritedFromObject []string `json:"inherited_from_object"`
			} `json:"all_permissions"`
		} `json:"access_control_list"`
	}
	if st := fx.get(t, "/api/2.0/permissions/jobs/"+fxJob, nil, &acl); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	if acl.ObjectID != "/jobs/"+fxJob || acl.ObjectType != "job" || len(acl.ACL) != 4 {
		t.Fatalf("acl %+v", acl)
	}
	got := map[string]string{}
	for _, a := range acl.ACL {
		got[a.UserName+a.GroupName+a.ServicePrincipalName] = a.AllPermissions[0].PermissionLevel
		if a.GroupName == "admins" && (!a.AllPermissions[0].Inherited || len(a.AllPermissions[0].InheritedFromObject) != 1) {
			t.Errorf("admins entry %+v: want inherited from /jobs/", a)
		}
	}
	if got["oncall"] != "CAN_MANAGE_RUN" || got["dana.okafor@example.com"] != "CAN_VIEW" || got[people[3].UserName] != "IS_OWNER" {
		t.Errorf("levels %v", got)
	}
	if st := fx.get(t, "/api/2.0/permissions/pipelines/"+fxP1, nil, &acl); st != http.StatusOK || acl.ObjectType != "pipelines" || len(acl.ACL) != 2 {
		t.Errorf("pipeline acl: %d %+v", st, acl)
	}
	var e apiErr
	if st := fx.get(t, "/api/2.0/permissions/jobs/12345", nil, &e); st != http.StatusNotFound {
		t.Errorf("acl of an unknown job: %d %+v", st, e)
	}
}

func TestMeAnswersTheTokensUser(t *testing.T) {
	fx := newFixture(t)
	var me struct {
		UserName string `json:"userName"`
		Groups   []struct {
			Display string `json:"display"`
		} `json:"groups"`
	}
	fx.call(t, http.MethodGet, "/api/2.0/preview/scim/v2/Me", "dapi-sim-release-manager", "", &me)
	if me.UserName != "marco.bianchi@example.com" || len(me.Groups) != 2 || me.Groups[1].Display != "release-managers" {
		t.Errorf("me %+v", me)
	}
}

func TestWorkspaceExportAndStatusOfBundleMetadata(t *testing.T) {
	fx := newFixture(t)
	for _, path := range []string{fxMetaPath, strings.TrimPrefix(fxMetaPath, "/Workspace")} {
		req, err := http.NewRequest(http.MethodGet, fx.srv.URL()+"/api/2.0/workspace/export?"+url.Values{"path": {path}, "direct_download": {"true"}}.Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer dapi-sim-ci")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK || string(b) != fxMeta {
			t.Errorf("direct download of %s: %d %q", path, r.StatusCode, b)
		}
	}
	var exp struct {
		Content  string `json:"content"`
		FileType string `json:"file_type"`
	}
	fx.get(t, "/api/2.0/workspace/export", url.Values{"path": {fxMetaPath}}, &exp)
	if b, _ := base64.StdEncoding.DecodeString(exp.Content); string(b) != fxMeta || exp.FileType != "json" {
		t.Errorf("export %+v", exp)
	}
	var st struct {
		ObjectType string `json:"object_type"`
		Size       int    `json:"size"`
		ModifiedAt int64  `json:"modified_at"`
	}
	if fx.get(t, "/api/2.0/workspace/get-status", url.Values{"path": {fxMetaPath}}, &st); st.ObjectType != "FILE" || st.Size != len(fxMeta) || st.ModifiedAt != fixtureNow.Add(-24*time.Hour).UnixMilli() {
		t.Errorf("status %+v", st)
	}
	var e apiErr
	if code := fx.get(t, "/api/2.0/workspace/export", url.Values{"path": {"/nope"}}, &e); code != http.StatusNotFound || e.ErrorCode != "RESOURCE_DOES_NOT_EXIST" {
		t.Errorf("missing file: %d %+v", code, e)
	}
}

func FuzzEventFilter(f *testing.F) {
	for _, s := range []string{
		"update_id = 'abc'",
		"level in ('INFO','WARN')",
		"timestamp > '2021-07-22T06:37:33.083Z' AND level = 'ERROR'",
		"id = 'x''y'",
		"event_type = 'flow_progress'",
		"level in (",
		"'unterminated",
		"update_id = 'a' AND update_id = 'b'",
		"timestamp <= '2026-11-23T12:00:00Z'",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := parseEventFilter(s)
		if err != nil {
			return
		}
		for _, c := range flt.conds {
			switch c.field {
			case "timestamp", "id", "update_id", "level":
			default:
				t.Fatalf("%q: accepted field %q", s, c.field)
			}
			if len(c.values) == 0 {
				t.Fatalf("%q: condition without a value", s)
			}
			if c.field == "timestamp" && c.at.IsZero() {
				t.Fatalf("%q: timestamp condition without a time", s)
			}
		}
		if _, err := parseEventFilter(s + " AND event_type = 'flow_progress'"); err != errEventType {
			t.Fatalf("%q AND event_type = ...: got %v, want the event_type refusal", s, err)
		}
		ev := &event{ID: "x", Level: "INFO", at: time.Unix(0, 0)}
		_ = flt.match(ev)
		flt.updateIDs()
		flt.bounds()
	})
}
