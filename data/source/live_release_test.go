//go:build !nosim

package source

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// A deployment recorded now whose pipeline runs an update with bad data minutes later: the
// system tables are late, so the warehouse holds nothing of it, yet the release screen's
// updates and expectations have it, marked live, agreeing with the home's counts; once the
// tables catch up, the warehouse's rows stand alone (nothing counted twice).
func TestTheReleaseScreenHasTheUpdatesAndExpectationsOnlyTheAPIKnowsYet(t *testing.T) {
	ctx := context.Background()
	deployed := testNow.Add(5 * time.Minute)
	clock := &movableClock{now: deployed}
	lag := 10 * time.Minute
	src, sm, err := openDemoSim(ctx, config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 1, Clock: clock.Now, Days: 2, Lag: lag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	id, err := src.DemoRecordDeploy(ctx, "prod", earlyBundle, "9.9.9", deployed)
	if err != nil {
		t.Fatal(err)
	}
	start, end := deployed.Add(time.Minute), deployed.Add(4*time.Minute)
	clock.Set(end.Add(time.Minute))
	pipeline, update, err := src.DemoScriptUpdate(ctx, "prod", earlyBundle, "", start, end, "COMPLETED", 0.2)
	if err != nil {
		t.Fatal(err)
	}
	if err := sm.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	held := func() (timeline, expectations int) {
		t.Helper()
		if err := sm.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+sim.DelayedSchema+`.pipeline_update_timeline WHERE update_id = ?),
  (SELECT count(*) FROM `+sim.DelayedExpectations+` WHERE update_id = ?)`, update, update).Scan(&timeline, &expectations); err != nil {
			t.Fatal(err)
		}
		return
	}
	if tl, ex := held(); tl != 0 || ex != 0 {
		t.Fatalf("update %s: the system tables as the cockpit reads them hold %d timeline rows and %d expectation results; want none yet", update, tl, ex)
	}

	type screen struct {
		home    Deployment
		updates []model.PipelineUpdate
		exps    []model.ExpectationDelta
		// statements is what reading the updates cost: the tab's and the live scope's,
		// none for names (the API's pipelines list names what only it knows).
		statements int64
	}
	read := func() screen {
		t.Helper()
		ds, err := src.List(ctx, "prod", Query{Since: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		var s screen
		for _, d := range ds {
			if d.Release.ID() == id {
				s.home = d
			}
		}
		if s.home.ID == "" || !s.home.Current || !s.home.Window.Open() {
			t.Fatalf("%s is not listed as the current deployment with an open window: %+v", id, s.home.Deployment)
		}
		before := src.Usage()
		if s.updates, _, err = src.Updates(ctx, "prod", s.home.Deployment); err != nil {
			t.Fatalf("updates: %v", err)
		}
		s.statements = src.Usage().Since(before).Envs["prod"].Statements
		if s.exps, _, err = src.Expectations(ctx, "prod", s.home.Deployment); err != nil {
			t.Fatalf("expectations: %v", err)
		}
		return s
	}
	// check asserts that the screen lists the update once (live or not, as said), that its
	// expectations show the first one failing a fifth of the records, and that the tabs
	// count what the home counts.
	check := func(when string, s screen, live bool) {
		t.Helper()
		n := 0
		for _, u := range s.updates {
			if u.UpdateID != update {
				t.Errorf("%s: update %s of pipeline %s is listed too: the test assumes only the scripted one ran", when, u.UpdateID, u.PipelineID)
				continue
			}
			n++
			if u.Live != live || u.ResultState != "COMPLETED" || u.PipelineID != pipeline || u.Name == "" {
				t.Errorf("%s: the scripted update is listed as %+v; want COMPLETED, named, live %v", when, u, live)
			}
			// Its end: the system tables' once they hold it, its final update_progress
			// event's before (the API's listing of updates carries none).
			if !u.Start.Equal(start) || !u.End.Equal(end) {
				t.Errorf("%s: the scripted update ran from %s to %s; want %s to %s", when, u.Start, u.End, start, end)
			}
		}
		if n != 1 {
			t.Errorf("%s: the scripted update is listed %d times, want once", when, n)
		}
		if s.statements > 2 {
			t.Errorf("%s: reading the updates cost %d statements, want the tab's and the live scope's (no names read after them)", when, s.statements)
		}
		var passed, failed int64
		worst := 0.0
		for _, e := range s.exps {
			if e.Live != live || e.Dropped {
				t.Errorf("%s: expectation %s.%s: live %v, dropped %v; want live %v", when, e.Dataset, e.Expectation, e.Live, e.Dropped, live)
			}
			passed, failed = passed+e.PassedRecords, failed+e.FailedRecords
			worst = max(worst, e.FailureRatio())
		}
		if len(s.exps) < 2 || worst < 0.19 || worst > 0.21 {
			t.Errorf("%s: %d expectations, the worst failing %.3f; want the first failing 0.2: %+v", when, len(s.exps), worst, s.exps)
		}
		h := s.home.Health
		if passed != h.RecordsPassed || failed != h.RecordsFailed || h.UpdatesOK != 1 || h.UpdatesFailed != 0 {
			t.Errorf("%s: the tabs count %d passed and %d failed records of 1 completed update; the home %+v", when, passed, failed, h)
		}
		if live && !s.home.Live {
			t.Errorf("%s: the home's verdict is not marked live", when)
		}
	}
	check("with the tables late", read(), true)

	// The tables catch up: the warehouse's rows win, and nothing is counted twice.
	clock.Set(end.Add(lag + 5*time.Minute))
	if err := sm.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if tl, ex := held(); tl == 0 || ex == 0 {
		t.Fatalf("update %s: after the lag the system tables hold %d timeline rows and %d expectation results; want some", update, tl, ex)
	}
	check("with the tables caught up", read(), false)
}

// The incident (about 35 minutes old) with the system tables an hour late: the release
// screen's pipeline updates and expectations are those it shows without the delay (an
// update's start and end too), the ones the tables lack marked live, each update once and
// every record counted once.
func TestTheReleaseScreenUpdatesAndQualityOfTheIncidentMatchTheTablesOnTime(t *testing.T) {
	ctx := context.Background()
	type screen struct {
		updates map[string]model.PipelineUpdate
		exps    map[string]model.ExpectationDelta
	}
	read := func(s *Source) screen {
		t.Helper()
		d := theIncident(t, s)
		us, _, err := s.Updates(ctx, "prod", d)
		if err != nil {
			t.Fatal(err)
		}
		es, _, err := s.Expectations(ctx, "prod", d)
		if err != nil {
			t.Fatal(err)
		}
		out := screen{updates: map[string]model.PipelineUpdate{}, exps: map[string]model.ExpectationDelta{}}
		for _, u := range us {
			if _, dup := out.updates[u.UpdateID]; dup {
				t.Errorf("update %s listed twice", u.UpdateID)
			}
			out.updates[u.UpdateID] = u
		}
		for _, e := range es {
			out.exps[e.Dataset+"/"+e.Expectation] = e
		}
		return out
	}
	late, now := read(openLagged(t, time.Hour)), read(openLagged(t, 0))
	live := 0
	for id, want := range now.updates {
		got, ok := late.updates[id]
		switch {
		case !ok:
			t.Errorf("update %s (%s) is listed without the delay, not with it", id, want.ResultState)
		case got.ResultState != want.ResultState:
			t.Errorf("update %s: %q with the delay, %q without", id, got.ResultState, want.ResultState)
		case !withinMilli(got.Start, want.Start) || !withinMilli(got.End, want.End):
			t.Errorf("update %s: from %s to %s with the delay, from %s to %s without", id, got.Start, got.End, want.Start, want.End)
		case got.Live:
			live++
		}
		if want.Live {
			t.Errorf("update %s is marked live with the tables on time", id)
		}
	}
	if len(late.updates) != len(now.updates) || live == 0 {
		t.Errorf("%d updates with the delay (%d live), %d without", len(late.updates), live, len(now.updates))
	}
	liveExps := 0
	for k, want := range now.exps {
		got := late.exps[k]
		if got.PassedRecords != want.PassedRecords || got.FailedRecords != want.FailedRecords || got.Dropped != want.Dropped {
			t.Errorf("expectation %s: %d/%d (dropped %v) with the delay, %d/%d (dropped %v) without",
				k, got.PassedRecords, got.FailedRecords, got.Dropped, want.PassedRecords, want.FailedRecords, want.Dropped)
		}
		if got.Live {
			liveExps++
		}
		if want.Live {
			t.Errorf("expectation %s is marked live with the tables on time", k)
		}
	}
	if len(late.exps) != len(now.exps) || liveExps == 0 {
		t.Errorf("%d expectations with the delay (%d live), %d without", len(late.exps), liveExps, len(now.exps))
	}
}

// withinMilli says whether two instants are the same to the millisecond: the REST API's
// times are whole milliseconds, the system tables' finer.
func withinMilli(a, b time.Time) bool { return a.Sub(b).Abs() < time.Millisecond }

// A storm on the REST API leaves the release screen's updates and expectations the
// warehouse's, with an error that says the live facts are missing and why.
func TestTheReleaseScreenSaysWhenTheLiveUpdatesAreMissing(t *testing.T) {
	ctx := context.Background()
	s := openLagged(t, time.Hour)
	d := theIncident(t, s)
	storm(t, s)
	us, _, err := s.Updates(ctx, "prod", d)
	if !errors.Is(err, model.ErrLiveFactsMissing) || !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("updates during a storm: %v", err)
	}
	for _, u := range us {
		if u.Live {
			t.Errorf("update %s is marked live while the API does not answer", u.UpdateID)
		}
	}
	es, _, err := s.Expectations(ctx, "prod", d)
	if !errors.Is(err, model.ErrLiveFactsMissing) {
		t.Errorf("expectations during a storm: %v", err)
	}
	for _, e := range es {
		if e.Live {
			t.Errorf("expectation %s is marked live while the API does not answer", e.Expectation)
		}
	}
}

// theIncident is the incident's deployment in prod (about 35 minutes old).
func theIncident(t *testing.T, s *Source) model.Deployment {
	t.Helper()
	ds, err := s.List(context.Background(), "prod", Query{Since: 2 * time.Hour, Bundle: sim.IncidentBundle})
	if err != nil || len(ds) == 0 {
		t.Fatalf("the incident: %d deployments, %v", len(ds), err)
	}
	return ds[0].Deployment
}

// storm makes the REST API answer 503 to everything, and gives the live path 2 s.
func storm(t *testing.T, s *Source) {
	t.Helper()
	s.SetLiveTimeout(2 * time.Second)
	if err := s.DemoRESTFault(503); err != nil {
		t.Fatal(err)
	}
}

// The incident (about 35 minutes old) with the system tables an hour late: their lineage
// of its runs and updates is not there yet, so the Lineage tab's and `cockpit show`'s
// lineage is what its jobs and pipelines read and wrote in the week before the deploy,
// every row marked: the tables it writes and the blast radius are those the tables give on
// time. On time, nothing is marked.
func TestTheLineageBeforeTheDeployStandsInWhileTheTablesAreLate(t *testing.T) {
	ctx := context.Background()
	type lineage struct {
		read, wrote []string
		radius      int
		before      int // rows marked BeforeDeploy
		rows        int
	}
	read := func(s *Source) lineage {
		t.Helper()
		ls, _, err := s.Lineage(ctx, "prod", theIncident(t, s))
		if err != nil {
			t.Fatal(err)
		}
		out := lineage{radius: model.BlastRadius(ls), rows: len(ls)}
		for _, l := range ls {
			switch l.Direction {
			case model.LineageUpstream:
				out.read = append(out.read, l.Table)
			case model.LineageWritten:
				out.wrote = append(out.wrote, l.Table)
			}
			if l.BeforeDeploy {
				out.before++
			}
		}
		return out
	}
	late, onTime := read(openLagged(t, time.Hour)), read(openLagged(t, 0))
	if onTime.before != 0 || len(onTime.wrote) == 0 || onTime.radius == 0 {
		t.Fatalf("on time: %d rows marked before the deploy, %d tables written, blast radius %d; want none marked, some of each",
			onTime.before, len(onTime.wrote), onTime.radius)
	}
	if late.before != late.rows || late.rows == 0 {
		t.Errorf("an hour late: %d of %d rows marked before the deploy; want all", late.before, late.rows)
	}
	if !reflect.DeepEqual(late.wrote, onTime.wrote) || !reflect.DeepEqual(late.read, onTime.read) || late.radius != onTime.radius {
		t.Errorf("an hour late: read %v, wrote %v, blast radius %d; on time read %v, wrote %v, blast radius %d",
			late.read, late.wrote, late.radius, onTime.read, onTime.wrote, onTime.radius)
	}
}
