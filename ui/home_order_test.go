package ui

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// askedSource is the fake source that records which environment each list and each
// Whoami asked for, in order, and fails the lists of one environment.
type askedSource struct {
	*fakeSource
	fail string
	mu   sync.Mutex
	// asked holds "list ENV" and "whoami ENV" in the order they were asked.
	asked []string
}

func (s *askedSource) note(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, what)
}

func (s *askedSource) askedSoFar() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.asked)
}

func (s *askedSource) List(ctx context.Context, env string, q model.ListQuery) ([]model.AssessedDeployment, error) {
	s.note("list " + env)
	if env == s.fail {
		return nil, errors.New("the warehouse is asleep")
	}
	return s.fakeSource.List(ctx, env, q)
}

// askedActions answers Whoami for the askedSource (the rest of ActionSource is not used
// before an action key is pressed).
type askedActions struct {
	ActionSource
	src *askedSource
}

func (a askedActions) Policy() model.Policy { return model.Policy{ReadOnly: true} }

func (a askedActions) Whoami(_ context.Context, env string) (model.Principal, model.PermissionLevel, error) {
	a.src.note("whoami " + env)
	return model.Principal{}, model.PermissionCanView, nil
}

// runAll runs a command the way the program would (a batch's commands each), without
// feeding the answers back, and returns the messages.
func runAll(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runAll(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// TestTheFirstTabsListIsAskedAloneAndAFailureDoesNotHoldTheOthers: at start only the
// environment the home shows first (production) is listed, while the others' tabs say they
// are loading (who the user is is asked there only, for the action keys on its first rows);
// its answer, even a failure, lets the others be listed and their identity asked. The
// failure is said on its tab.
func TestTheFirstTabsListIsAskedAloneAndAFailureDoesNotHoldTheOthers(t *testing.T) {
	src := &askedSource{fakeSource: newFakeSource(), fail: "prod"}
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: func() time.Time { return testNow }, Timeout: 5 * time.Second}
	c.Actions = askedActions{src: src}
	h := newHome(c, homeOptions{log: slog.New(slog.DiscardHandler), clock: func() time.Time { return testNow }})
	h.SetSize(120, 20)

	var first []tea.Msg
	for _, msg := range runAll(h.Init()) {
		if _, ok := msg.(decisionsLoaded); ok {
			h.Update(msg)
			continue
		}
		first = append(first, msg)
	}
	if got := src.askedSoFar(); !slices.Contains(got, "list prod") || len(got) != 1 {
		t.Fatalf("at start the home asked %q, want only prod's list", got)
	}
	if tabs := h.tabsLine(); !strings.Contains(tabs, "staging "+UnicodeGlyphs.Ellipsis) {
		t.Errorf("while prod loads, staging's tab does not say it is loading: %q", tabs)
	}

	var rest []tea.Msg
	for _, msg := range first {
		if _, ok := msg.(deploymentsFailedToLoad); !ok {
			t.Fatalf("prod's list answered %T, want its failure", msg)
		}
		_, cmd := h.Update(msg)
		rest = append(rest, runAll(cmd)...)
	}
	got := src.askedSoFar()
	if !slices.Contains(got, "list staging") {
		t.Fatalf("after prod's list failed the home asked %q, want staging's list too", got)
	}
	if !slices.Contains(got, "whoami staging") || !slices.Contains(got, "whoami prod") {
		t.Errorf("after the first answer the home asked %q, want who the user is in staging and prod", got)
	}
	for _, msg := range rest {
		h.Update(msg)
	}
	if e := h.env("staging"); !e.loaded {
		t.Fatal("staging's answer was not taken")
	}
	if h.Crumb() != "prod" {
		t.Errorf("the home starts on %q, want prod (nearest production)", h.Crumb())
	}
	if v := h.View(); !strings.Contains(v, "could not load prod") || !strings.Contains(v, "the warehouse is asleep") {
		t.Errorf("prod's tab does not say why it has no data:\n%s", v)
	}
	if n := len(src.askedSoFar()); n != 4 {
		t.Errorf("the home asked %q, want 4 requests (two lists, two identities)", src.askedSoFar())
	}
}

// Who the user is in the first environment is asked as soon as its deployments are listed,
// before their health (so that an action key on those rows knows), and not again with the
// other environments.
func TestWhoTheUserIsIsAskedWhenTheFirstRowsAreListed(t *testing.T) {
	src := &askedSource{fakeSource: newFakeSource()}
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: func() time.Time { return testNow }, Timeout: 5 * time.Second}
	c.Actions = askedActions{src: src}
	h := newHome(c, homeOptions{log: slog.New(slog.DiscardHandler), clock: func() time.Time { return testNow }})
	h.SetSize(120, 20)
	h.Init() // prod's list, not run: its rows arrive below, before their health
	prod := h.env("prod")
	rows, err := src.fakeSource.List(context.Background(), "prod", model.ListQuery{})
	if err != nil || len(rows) == 0 {
		t.Fatalf("the fake source lists %d rows of prod: %v", len(rows), err)
	}
	for i := range rows {
		rows[i].Assessment = model.Assessment{Pending: true}
	}
	_, cmd := h.Update(deploymentsEarly{req: loadRequest{env: "prod", gen: prod.gen, since: h.since}, rows: rows})
	runAll(cmd)
	if got := src.askedSoFar(); !slices.Contains(got, "whoami prod") {
		t.Fatalf("after prod's first rows the home asked %q, want who the user is in prod", got)
	}
	_, cmd = h.Update(deploymentsLoaded{req: loadRequest{env: "prod", gen: prod.gen, since: h.since}})
	runAll(cmd) // the other environments' lists and who the user is there
	n := 0
	for _, a := range src.askedSoFar() {
		if a == "whoami prod" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("who the user is in prod was asked %d times, want once: %q", n, src.askedSoFar())
	}
}
