package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// pagingSource is the fake source with a long prod history that it hands out a page at a
// time, as the real source does (ListAll: Limit, After, Next, Matching).
type pagingSource struct {
	*fakeSource
	history []model.AssessedDeployment // newest first
	mu      sync.Mutex                 // the home lists its environments side by side
	asked   []model.ListQuery
}

// askedSoFar is a copy of the queries asked until now.
func (p *pagingSource) askedSoFar() []model.ListQuery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]model.ListQuery(nil), p.asked...)
}

func newPagingSource(n int) *pagingSource {
	p := &pagingSource{fakeSource: newFakeSource()}
	for i := range n {
		at := testNow.Add(-time.Duration(i+1) * time.Hour)
		id := fmt.Sprintf("prod-history-%05d", i)
		p.history = append(p.history, model.AssessedDeployment{
			Deployment: model.Deployment{
				ID: id, Release: model.Release{Bundle: fmt.Sprintf("bundle_%02d", i%40), Version: fmt.Sprintf("2026.%d", i)},
				Environment: "prod", DeployedAt: at, DeployedBy: "ci@example.com", Window: model.Window{Start: at, End: at.Add(time.Hour)},
				Health: model.Health{RunsSucceeded: 3},
			},
			Assessment: model.Assessment{Verdict: model.VerdictHealthy},
		})
	}
	return p
}

func (p *pagingSource) ListAll(_ context.Context, env string, q model.ListQuery) (model.Listing, error) {
	p.mu.Lock()
	p.asked = append(p.asked, q)
	p.mu.Unlock()
	if env != "prod" {
		ds, err := p.List(context.Background(), env, q)
		return model.Listing{Deployments: ds}, err
	}
	start := 0
	if q.After != nil {
		for i, d := range p.history {
			if d.ID == q.After.ID {
				start = i + 1
			}
		}
	}
	rest := p.history[start:]
	l := model.Listing{Matching: len(rest)}
	if len(rest) > q.Limit {
		rest = rest[:q.Limit]
		last := rest[len(rest)-1]
		l.Next = &model.Cursor{DeployedAt: last.DeployedAt, ID: last.ID}
	}
	l.Deployments = rest
	return l, nil
}

// On a long window the home holds the newest page, says how many the window has, and
// loads the next page when the cursor reaches the end, until everything is there.
func TestTheHomeLoadsALongWindowAPageAtATime(t *testing.T) {
	src := newPagingSource(2*homePage + 500)
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: func() time.Time { return testNow }, Timeout: 5 * time.Second}
	o := rootOptions()
	o.Env = "prod"
	o.Since = -1 // all time, as :since 0
	m := startRoot(t, c, o, 160, 30)
	frame := ansi.Strip(rootFrame(m))
	want := fmt.Sprintf("the newest %d of %d deployments (more at the end)", homePage, 2*homePage+500)
	if !strings.Contains(frame, want) {
		t.Fatalf("the home does not say it holds the newest page of a long window (%q):\n%s", want, frame)
	}
	if !strings.Contains(frame, fmt.Sprintf("prod %d+", homePage)) {
		t.Errorf("prod's tab does not say its count goes on:\n%s", frame)
	}
	if m.home.table.Total() != homePage {
		t.Fatalf("the home holds %d deployments before scrolling, want one page (%d)", m.home.table.Total(), homePage)
	}
	sendKeys(t, m, "G")
	if got := m.home.table.Total(); got != 2*homePage {
		t.Fatalf("after reaching the end the home holds %d deployments, want two pages (%d)", got, 2*homePage)
	}
	if asked := src.askedSoFar(); asked[len(asked)-1].After == nil || asked[len(asked)-1].After.ID != src.history[homePage-1].ID {
		t.Fatalf("the second page was not asked after the first one's last deployment: %+v", asked[len(asked)-1])
	}
	sendKeys(t, m, "G")
	frame = ansi.Strip(rootFrame(m))
	if got := m.home.table.Total(); got != 2*homePage+500 {
		t.Fatalf("after the last page the home holds %d deployments, want all %d", got, 2*homePage+500)
	}
	if !strings.Contains(frame, fmt.Sprintf("%d deployments", 2*homePage+500)) || strings.Contains(frame, "more at the end") || strings.Contains(frame, "+ ") {
		t.Errorf("with the whole window loaded the home still says it goes on:\n%s", frame)
	}
	asked := len(src.askedSoFar())
	sendKeys(t, m, "G", "k", "j")
	if now := src.askedSoFar(); len(now) != asked {
		t.Errorf("at the end of a fully loaded window the home asked again: %+v", now[asked:])
	}
	// A full reload starts again from the newest page.
	sendKeys(t, m, "r")
	if got := m.home.table.Total(); got != homePage {
		t.Errorf("after r the home holds %d deployments, want the newest page (%d)", got, homePage)
	}
}
