package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/pipelines"
)

// sdkRunsPage decodes a runs/list page as the SDK did, mapped as listRuns mapped it.
func sdkRunsPage(b []byte) ([]Run, string, error) {
	var resp jobs.ListRunsResponse
	if err := json.Unmarshal(b, &resp); err != nil {
		return nil, "", err
	}
	return mapped(resp.Runs, sdkRunOf), resp.NextPageToken, nil
}

// wireRunsPageOf decodes a runs/list page as runsPage does.
func wireRunsPageOf(b []byte) ([]Run, string, error) {
	var resp wireRunsPage
	if err := json.Unmarshal(b, &resp); err != nil {
		return nil, "", err
	}
	return mapped(resp.Runs, runOf), resp.NextPageToken, nil
}

// TestRunsListPagesDecodeAsTheSDKDecodedThem: pages of jobs/runs/list in the shapes the API
// sends give the runs the cockpit showed when the SDK decoded them, and what each case is
// about holds.
func TestRunsListPagesDecodeAsTheSDKDecodedThem(t *testing.T) {
	sim, err := os.ReadFile("testdata/runs_list_page.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		page string
		next string
		want []Run // what the case is about; nil: as the SDK
	}{
		{name: "a page of the simulation (25 runs, active and finished, ids as numbers)", page: string(sim), next: "eyJzIjoxNzk1NDMzNzkwMDAwLCJyIjoyOTkyMzg5NTcwOX0"},
		{name: "a failed run with termination details", page: `{"runs":[{"job_id":1200000024002,"run_id":29923918746,
			"run_name":"prod-refresh","start_time":1795435153000,"end_time":1795435753000,"trigger":"ONE_TIME",
			"creator_user_name":"priya.raman@example.com","run_page_url":"https://x/?o=1#job/1200000024002/run/29923918746",
			"state":{"life_cycle_state":"TERMINATED","result_state":"FAILED","state_message":"Task gold failed"},
			"status":{"state":"TERMINATED","termination_details":{"code":"RUN_EXECUTION_ERROR","type":"CLIENT_ERROR","message":"Task gold failed with an error"}}}]}`,
			want: []Run{{JobID: 1200000024002, RunID: 29923918746, Name: "prod-refresh", Start: time.UnixMilli(1795435153000).UTC(),
				End: time.UnixMilli(1795435753000).UTC(), LifeCycleState: "TERMINATED", ResultState: "FAILED", StateMessage: "Task gold failed",
				TerminationCode: "RUN_EXECUTION_ERROR", TerminationType: "CLIENT_ERROR", Trigger: "ONE_TIME",
				CreatorUserName: "priya.raman@example.com", RunPageURL: "https://x/?o=1#job/1200000024002/run/29923918746"}}},
		{name: "a run with a status and no state takes the status's state and message",
			page: `{"runs":[{"job_id":1,"run_id":2,"status":{"state":"TERMINATED","termination_details":{"code":"CANCELED","type":"SUCCESS","message":"Canceled by a user"}}}]}`,
			want: []Run{{JobID: 1, RunID: 2, LifeCycleState: "TERMINATED", StateMessage: "Canceled by a user", TerminationCode: "CANCELED", TerminationType: "SUCCESS"}}},
		{name: "a null state and a status without details",
			page: `{"runs":[{"job_id":1,"run_id":2,"state":null,"status":{"state":"QUEUED"}}]}`,
			want: []Run{{JobID: 1, RunID: 2, LifeCycleState: "QUEUED"}}},
		{name: "a run without state or status", page: `{"runs":[{"job_id":1,"run_id":2,"start_time":0}]}`,
			want: []Run{{JobID: 1, RunID: 2}}},
		{name: "ids and times as quoted strings, as proto3 JSON sends 64-bit integers",
			page: `{"runs":[{"job_id":"1200000024002","run_id":"29923918746","start_time":"1795435153000","end_time":null}]}`,
			want: []Run{{JobID: 1200000024002, RunID: 29923918746, Start: time.UnixMilli(1795435153000).UTC()}}},
		{name: "an id above 2^53 stays exact", page: `{"runs":[{"job_id":9007199254740993,"run_id":9223372036854775807}]}`,
			want: []Run{{JobID: 9007199254740993, RunID: 9223372036854775807}}},
		{name: "fields the cockpit does not read are skipped", page: `{"runs":[{"job_id":1,"run_id":2,"tasks":[{"task_key":"a","run_id":3}],
			"job_parameters":[{"name":"v","value":"1"}],"cluster_spec":{"x":[1,2,{"y":null}]}}],"has_more":true,"next_page_token":"t2","prev_page_token":"t0"}`,
			next: "t2", want: []Run{{JobID: 1, RunID: 2}}},
		{name: "an empty page with a next token", page: `{"has_more":true,"next_page_token":"t3"}`, next: "t3", want: []Run{}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkPage(t, tc.page, tc.next, tc.want, wireRunsPageOf, sdkRunsPage) })
	}
}

// checkPage decodes a page as the client does (wire) and as the SDK did (sdk): the two
// must agree, on the next token too, and when want is not nil the entries must be want.
func checkPage[T any](t *testing.T, page, wantNext string, want []T, wire, sdk func([]byte) ([]T, string, error)) {
	t.Helper()
	got, next, err := wire([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	old, oldNext, err := sdk([]byte(page))
	if err != nil {
		t.Fatalf("the SDK refused the page: %v", err)
	}
	if !reflect.DeepEqual(got, old) || next != oldNext {
		t.Errorf("decoded %+v (next %q)\nthe SDK decoded %+v (next %q)", got, next, old, oldNext)
	}
	if next != wantNext {
		t.Errorf("next page token %q, want %q", next, wantNext)
	}
	if want != nil && !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %+v\nwant %+v", got, want)
	}
}

// TestRunsListPagesTheSDKRefusedAreRefused: a page with an id that is no 64-bit integer
// fails as a whole, as it did with the SDK (its error reached the caller as the
// listing's).
func TestRunsListPagesTheSDKRefusedAreRefused(t *testing.T) {
	for _, page := range []string{
		`{"runs":[{"job_id":1,"run_id":"abc"}]}`,
		`{"runs":[{"job_id":1,"run_id":2.5}]}`,
		`{"runs":[{"job_id":1,"run_id":true}]}`,
		`{"runs":[{"job_id":1,"run_id":""}]}`,
		`{"runs":[{"job_id":1,"run_id":99999999999999999999}]}`,
		`{"runs":[{"job_id":1,"run_id":2}]`,
	} {
		if _, _, err := sdkRunsPage([]byte(page)); err == nil {
			t.Errorf("%s: the SDK accepted it; the case is wrong", page)
		}
		if runs, _, err := wireRunsPageOf([]byte(page)); err == nil {
			t.Errorf("%s: decoded %+v, want an error", page, runs)
		}
	}
}

// sdkPipelinesPage decodes a pipelines page as the SDK did, mapped as Pipelines mapped it.
func sdkPipelinesPage(b []byte) ([]Pipeline, string, error) {
	var resp pipelines.ListPipelinesResponse
	if err := json.Unmarshal(b, &resp); err != nil {
		return nil, "", err
	}
	return mapped(resp.Statuses, sdkPipelineOf), resp.NextPageToken, nil
}

// wirePipelinesPageOf decodes a pipelines page as pipelinesPage does.
func wirePipelinesPageOf(b []byte) ([]Pipeline, string, error) {
	var resp wirePipelinesPage
	if err := json.Unmarshal(b, &resp); err != nil {
		return nil, "", err
	}
	return mapped(resp.Statuses, pipelineOf), resp.NextPageToken, nil
}

// TestPipelinesPagesDecodeAsTheSDKDecodedThem: pages of the pipelines list give the
// pipelines the SDK's decoding gave, creation times in either form included.
func TestPipelinesPagesDecodeAsTheSDKDecodedThem(t *testing.T) {
	sim, err := os.ReadFile("testdata/pipelines_list_page.json")
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 23, 11, 1, 31, 0, time.UTC)
	for _, tc := range []struct {
		name, page, next string
		want             []Pipeline // nil: as the SDK
	}{
		{name: "a page of the simulation (76 pipelines)", page: string(sim)},
		{name: "a pipeline with its latest updates", next: "p2", page: `{"statuses":[{"pipeline_id":"12b2ef7c-43b6","name":"prod-dlt","state":"RUNNING",
			"health":"UNHEALTHY","creator_user_name":"a@example.com","run_as_user_name":"sp-1","cluster_id":"c-1",
			"latest_updates":[{"update_id":"u2","state":"RUNNING","creation_time":"2026-11-23T11:01:31.000Z"},
			{"update_id":"u1","state":"FAILED","creation_time":"1795431691000"}]}],"next_page_token":"p2"}`,
			want: []Pipeline{{ID: "12b2ef7c-43b6", Name: "prod-dlt", State: "RUNNING", Health: "UNHEALTHY", CreatorUserName: "a@example.com",
				RunAsUserName: "sp-1", LatestUpdates: []UpdateState{{ID: "u2", State: "RUNNING", Created: created},
					{ID: "u1", State: "FAILED", Created: time.UnixMilli(1795431691000).UTC()}}}}},
		{name: "a creation time sent as a number of milliseconds",
			page: `{"statuses":[{"pipeline_id":"p","latest_updates":[{"update_id":"u","creation_time":1795431691000}]}]}`,
			want: []Pipeline{{ID: "p", LatestUpdates: []UpdateState{{ID: "u", Created: time.UnixMilli(1795431691000).UTC()}}}}},
		{name: "a creation time with escapes, null, or unreadable",
			page: `{"statuses":[{"pipeline_id":"p","latest_updates":[{"update_id":"u1","creation_time":"2026-11-23T11:01:31\u002e000Z"},
			{"update_id":"u2","creation_time":null},{"update_id":"u3","creation_time":"yesterday"},{"update_id":"u4","creation_time":true}]}]}`,
			want: []Pipeline{{ID: "p", LatestUpdates: []UpdateState{{ID: "u1", Created: created}, {ID: "u2"}, {ID: "u3"}, {ID: "u4"}}}}},
		{name: "a pipeline never run", page: `{"statuses":[{"pipeline_id":"p","state":"IDLE"}]}`,
			want: []Pipeline{{ID: "p", State: "IDLE"}}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkPage(t, tc.page, tc.next, tc.want, wirePipelinesPageOf, sdkPipelinesPage) })
	}
}

// TestAllPagesFollowsTheNextPageTokens: a listing reads from the first page through the
// tokens until one has none, stops at a token that comes back, and fails as a whole when
// a page fails.
func TestAllPagesFollowsTheNextPageTokens(t *testing.T) {
	type page struct {
		items []int
		next  string
	}
	errPage := errors.New("page refused")
	for _, tc := range []struct {
		name  string
		pages map[string]page
		read  []string // tokens asked for, in order
		want  []int
		err   error
	}{
		{name: "one page", pages: map[string]page{"": {items: []int{1, 2}}}, read: []string{""}, want: []int{1, 2}},
		{name: "three pages, one empty", pages: map[string]page{"": {[]int{1}, "a"}, "a": {nil, "b"}, "b": {[]int{2, 3}, ""}},
			read: []string{"", "a", "b"}, want: []int{1, 2, 3}},
		{name: "a token that comes back ends the listing", pages: map[string]page{"": {[]int{1}, "a"}, "a": {[]int{2}, "b"}, "b": {[]int{3}, "a"}},
			read: []string{"", "a", "b"}, want: []int{1, 2, 3}},
		{name: "a page that fails fails the listing", pages: map[string]page{"": {[]int{1}, "a"}},
			read: []string{"", "a"}, err: errPage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var read []string
			got, err := allPages(context.Background(), func(_ context.Context, token string) ([]int, string, error) {
				read = append(read, token)
				p, ok := tc.pages[token]
				if !ok {
					return nil, "", errPage
				}
				return p.items, p.next, nil
			})
			if !errors.Is(err, tc.err) || !slices.Equal(got, tc.want) || !slices.Equal(read, tc.read) {
				t.Errorf("read %q, got %v, %v; want %q, %v, %v", read, got, err, tc.read, tc.want, tc.err)
			}
		})
	}
}

// BenchmarkRunsListDecode decodes a page of 25 runs of the simulation as the SDK did
// (sdk) and as runsPage does (wire).
func BenchmarkRunsListDecode(b *testing.B) {
	page, err := os.ReadFile("testdata/runs_list_page.json")
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, page, sdkRunsPage, wireRunsPageOf)
}

// BenchmarkPipelinesListDecode decodes a page of 76 pipelines of the simulation as the
// SDK did (sdk) and as pipelinesPage does (wire).
func BenchmarkPipelinesListDecode(b *testing.B) {
	page, err := os.ReadFile("testdata/pipelines_list_page.json")
	if err != nil {
		b.Fatal(err)
	}
	benchDecode(b, page, sdkPipelinesPage, wirePipelinesPageOf)
}

func benchDecode[T any](b *testing.B, page []byte, sdk, wire func([]byte) ([]T, string, error)) {
	for _, d := range []struct {
		name   string
		decode func([]byte) ([]T, string, error)
	}{{"sdk", sdk}, {"wire", wire}} {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, _, err := d.decode(page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzWireScalarsAcceptWhatTheSDKAccepted: whatever JSON value an id or a creation time
// comes as, the wire types accept it exactly when the SDK's types did, with the same value.
func FuzzWireScalarsAcceptWhatTheSDKAccepted(f *testing.F) {
	for _, v := range []string{`123`, `"123"`, `-5`, `"-0"`, `null`, `"\u0031\u0032"`, `1.5`, `1e3`, `"abc"`, `""`, `true`,
		`{"a":1}`, `[1, 2]`, `9223372036854775807`, `9223372036854775808`, `"2026-11-23T11:01:31.000Z"`, `"a\"b"`, `"\xff"`} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !json.Valid([]byte(v)) {
			return
		}
		var sdkRun jobs.BaseRun
		var run struct {
			RunID jsonInt `json:"run_id"`
		}
		doc := []byte(`{"run_id":` + v + `}`)
		sdkErr, err := json.Unmarshal(doc, &sdkRun), json.Unmarshal(doc, &run)
		if (sdkErr == nil) != (err == nil) || int64(run.RunID) != sdkRun.RunId {
			t.Errorf("run_id %s: %d, %v; the SDK %d, %v", v, run.RunID, err, sdkRun.RunId, sdkErr)
		}
		var sdkUpdate pipelines.UpdateStateInfo
		var update struct {
			CreationTime jsonText `json:"creation_time"`
		}
		doc = []byte(`{"creation_time":` + v + `}`)
		sdkErr, err = json.Unmarshal(doc, &sdkUpdate), json.Unmarshal(doc, &update)
		if (sdkErr == nil) != (err == nil) || string(update.CreationTime) != sdkUpdate.CreationTime {
			t.Errorf("creation_time %s: %q, %v; the SDK %q, %v", v, update.CreationTime, err, sdkUpdate.CreationTime, sdkErr)
		}
	})
}
