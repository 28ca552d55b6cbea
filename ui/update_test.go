package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// updateURL stands in for the simulated workspace's update URL, whose port changes from
// run to run.
const updateURL = "https://prod.cloud.databricks.example/pipelines/f80cfd3c-0000-0000-0000-000000000000/updates/9900df0a-0000-0000-0000-000000000000?o=7064161269292651"

var incidentUpdateLoad struct {
	once sync.Once
	u    domain.PipelineUpdate
	msg  updateDetailLoaded
}

// incidentUpdate is the update of the incident whose expectation regressed, as the Runs
// tab lists it, and its load from the simulated workspace (REST API and event log).
func incidentUpdate(t *testing.T) (domain.PipelineUpdate, updateDetailLoaded) {
	t.Helper()
	needSim(t)
	incidentUpdateLoad.once.Do(func() {
		s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabRuns, 120, 40)
		c := relCommon(t, themes.Mono(), UnicodeGlyphs)
		for _, u := range s.tabs[tabRuns].data.(runsTabData).updates {
			msg := loadUpdate(c, "prod", u, 1)().(updateDetailLoaded)
			for _, e := range msg.detail.Expectations {
				if e.Expectation == incidentExpectation {
					msg.detail.URL = updateURL
					incidentUpdateLoad.u, incidentUpdateLoad.msg = u, msg
					return
				}
			}
		}
	})
	if incidentUpdateLoad.u.UpdateID == "" {
		t.Fatalf("no update of the incident has the %s expectation", incidentExpectation)
	}
	if err := incidentUpdateLoad.msg.err; err != nil {
		t.Fatalf("loading the update: %v", err)
	}
	return incidentUpdateLoad.u, incidentUpdateLoad.msg
}

func openUpdate(t *testing.T, c *Common, w, h int) *UpdateScreen {
	t.Helper()
	u, msg := incidentUpdate(t)
	s := NewUpdateScreen(c, "prod", u).(*UpdateScreen)
	s.SetSize(w, h)
	if s.Init() == nil {
		t.Fatal("Init does not load the update")
	}
	s.Update(msg)
	return s
}

func TestUpdateScreenGolden(t *testing.T) {
	for _, th := range goldenThemes {
		for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}} {
			name := fmt.Sprintf("update_%s_%dx%d", th.name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				s := openUpdate(t, relCommon(t, th.theme(), UnicodeGlyphs), sz.w, sz.h)
				v := s.View()
				checkFrame(t, v, th.name, sz.w, sz.h)
				golden(t, name, v)
			})
		}
	}
}

// The incident's update shows its state, its URL and its regressed expectation first, with
// its ratio, at 80x24.
func TestTheIncidentsUpdateLeadsWithItsWorstExpectation(t *testing.T) {
	s := openUpdate(t, relCommon(t, themes.Mono(), UnicodeGlyphs), 80, 24)
	v := ansi.Strip(s.View())
	for _, want := range []string{"update ", "completed", "url " + updateURL[:40], "expectations (", incidentExpectation, "flows ("} {
		if !strings.Contains(v, want) {
			t.Errorf("%q not on the update screen:\n%s", want, v)
		}
	}
	row := line(v, incidentExpectation)
	if !strings.Contains(row, "failing") || !strings.Contains(row, "18.") {
		t.Errorf("the regressed expectation's row lacks its status or ratio: %q", row)
	}
	first := ""
	for _, l := range strings.Split(v[strings.Index(v, "expectations ("):], "\n") {
		if strings.Contains(l, "ok ") || strings.Contains(l, "failing ") || strings.Contains(l, "elevated ") {
			first = l
			break
		}
	}
	if !strings.Contains(first, incidentExpectation) {
		t.Errorf("the first expectation is not the worst: %q", first)
	}
	_, cmd := s.Update(keyPress("y"))
	if got := cmd().(copyRequest); got.Value != updateURL || got.What != "update URL" {
		t.Errorf("y copies %+v", got)
	}
	if !strings.Contains(ansi.Strip(s.View()), "sent to the terminal's clipboard") {
		t.Error("the URL line does not say it was sent to the clipboard")
	}
}

// A failed update says why first, wrapped rather than cut, then the flows' errors with
// their messages; the workspace's strings are cleaned.
func TestAFailedUpdateSaysWhyAndWhichFlowsFailed(t *testing.T) {
	c, _ := fakeCommon(themes.Mono())
	at := testNow.Add(-20 * time.Minute)
	u := domain.PipelineUpdate{PipelineID: "p-1", UpdateID: "0123456789abcdef", Name: "orders-dlt", UpdateType: "REFRESH", Start: at, ResultState: "FAILED"}
	s := NewUpdateScreen(c, "prod", u).(*UpdateScreen)
	s.SetSize(80, 24)
	s.Init()
	long := "Job aborted due to stage failure: Task 3 in stage 12.0 failed 4 times, most recent failure: Lost task 3.3 (executor 2): java.lang.OutOfMemoryError: GC overhead limit exceeded END"
	s.Update(updateDetailLoaded{env: "prod", updateID: u.UpdateID, gen: s.gen, detail: domain.UpdateDetail{
		PipelineID: "p-1", UpdateID: u.UpdateID, PipelineName: "orders-dlt", State: "FAILED", Cause: "JOB_TASK",
		Created: at, Ended: at.Add(7 * time.Minute), Failure: []string{"Update 012345 is FAILED.\x1b[2J " + long},
		Flows:      []domain.FlowState{{Name: "orders_clean", Status: "FAILED", OutputRows: 1200, HasRows: true, At: at.Add(6 * time.Minute)}},
		FlowErrors: []domain.FlowError{{Flow: "orders_clean", Level: "ERROR", Message: "Flow 'orders_clean' has FAILED. [EXPECTATIONS_VIOLATION] valid_id", At: at.Add(6 * time.Minute)}},
		URL:        "https://h/pipelines/p-1/updates/0123456789abcdef\x1b]52;c;ZXZpbA==\x07",
	}})
	raw := s.View()
	if strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\x1b]52") {
		t.Error("the view carries the workspace's escape sequences")
	}
	v := ansi.Strip(raw)
	for _, want := range []string{"x failed", "took 7m", "cause JOB_TASK", "cause of failure", "GC overhead limit exceeded END", "flow errors and warnings (1)", "[EXPECTATIONS_VIOLATION] valid_id", "1,200"} {
		if !strings.Contains(strings.ReplaceAll(v, "✗", "x"), want) {
			t.Errorf("%q not on the failed update's screen:\n%s", want, v)
		}
	}
	if _, cmd := s.Update(keyPress("y")); cmd().(copyRequest).Value != "https://h/pipelines/p-1/updates/0123456789abcdef" {
		t.Error("y does not copy the cleaned URL")
	}
}

func TestAnUpdateThatFailsToLoadSaysWhy(t *testing.T) {
	c, _ := fakeCommon(themes.Mono())
	s := NewUpdateScreen(c, "prod", domain.PipelineUpdate{PipelineID: "p", UpdateID: "u"}).(*UpdateScreen)
	s.SetSize(80, 24)
	s.Update(s.Init()())
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "could not load the update:") || !strings.Contains(v, "r tries again") {
		t.Errorf("the error state does not say what failed and how to retry:\n%s", v)
	}
	if st := s.Status(); st.Problem == nil || st.Loading {
		t.Errorf("status %+v", st)
	}
}
