package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/release-cockpit/cockpit/themes"
)

// framed wraps the root model and keeps the last frame it drew, whole: the renderer
// writes only the cells that change, so the byte stream is no place to look for text.
// Each frame is announced on drawn, so tests wait on frames, not on sleeps.
type framed struct {
	tea.Model
	mu    *sync.Mutex
	last  *string
	drawn chan struct{}
}

func newFramed(m tea.Model) framed {
	return framed{Model: m, mu: &sync.Mutex{}, last: new(string), drawn: make(chan struct{}, 1)}
}

func (f framed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := f.Model.Update(msg)
	f.Model = m
	return f, cmd
}

func (f framed) View() tea.View {
	v := f.Model.View()
	f.mu.Lock()
	*f.last = ansi.Strip(v.Content)
	f.mu.Unlock()
	select {
	case f.drawn <- struct{}{}:
	default:
	}
	return v
}

// waitFrame waits until a frame satisfies ok (checking each frame as it is drawn), and
// returns it.
func waitFrame(t *testing.T, f framed, what string, ok func(string) bool) string {
	t.Helper()
	return waitFrameWithin(t, f, 30*time.Second, what, ok)
}

// judgedHome says whether a frame is the home on env with its deployments judged: the
// incident's bundle listed and no row still reading its health (home_early.go).
func judgedHome(frame, env string) bool {
	return strings.Contains(frame, "› "+env) && strings.Contains(frame, "ecommerce_orders") && !strings.Contains(frame, UnicodeGlyphs.Ellipsis+" reading")
}

func line(frame, containing string) string {
	for _, l := range strings.Split(frame, "\n") {
		if strings.Contains(l, containing) {
			return l
		}
	}
	return ""
}

// The on-call flow of the issue: open, pick prod, the incident is the first row and
// failing; enter; Data quality shows the failing expectation with its ratio and delta;
// Lineage shows the downstream gold table among the affected consumers; esc returns to
// the same row.
func TestOnCallFindsTheIncidentItsFailingExpectationAndItsBlastRadius(t *testing.T) {
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: testSource(t), Now: testSource(t).Now, Timeout: 30 * time.Second}
	f := newFramed(New(c, Options{Env: "dev", Refresh: -1, Clock: func() time.Time { return testNow }}))
	tm := teatest.NewTestModel(t, f, teatest.WithInitialTermSize(120, 40))
	key := func(k string) { tm.Send(pressKey(k)) }

	waitFrame(t, f, "dev's deployments", func(s string) bool { return strings.Contains(s, "› dev") && strings.Contains(s, "deployments ·") })
	key("3") // prod
	home := waitFrame(t, f, "prod's deployments", func(s string) bool { return judgedHome(s, "prod") })
	first := line(home, "▌")
	if !strings.Contains(first, "ecommerce_orders") || !strings.Contains(first, "✗ failing") {
		t.Fatalf("the first row is not the failing incident:\n%s", first)
	}

	key("enter")
	waitFrame(t, f, "the release screen", func(s string) bool { return strings.Contains(s, "ecommerce_orders@") && strings.Contains(s, "Runs") })
	key("3") // Data quality
	dq := waitFrame(t, f, "the failing expectation", func(s string) bool { return strings.Contains(s, "valid_client_id") })
	row := line(dq, "valid_client_id")
	if !strings.Contains(row, "18.") || !strings.Contains(row, "+") {
		t.Errorf("valid_client_id row lacks its ratio (~18%%) or its delta against the previous deployment:\n%s", row)
	}

	key("4") // Lineage
	lin := waitFrame(t, f, "the blast radius", func(s string) bool { return strings.Contains(s, "blast radius") })
	if !strings.Contains(lin, "ecommerce.gold.daily_revenue") {
		t.Errorf("the downstream gold table is not among the affected consumers:\n%s", lin)
	}

	key("esc")
	back := waitFrame(t, f, "the home again", func(s string) bool {
		return strings.Contains(s, "› prod") && !strings.Contains(s, "ecommerce_orders@")
	})
	if row := line(back, "▌"); !strings.Contains(row, "ecommerce_orders") {
		t.Errorf("esc did not return to the incident's row:\n%s", row)
	}
	key("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
