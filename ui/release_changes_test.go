package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// The incident's Changes tab names the backfill pipeline its release added and the git
// range from the previous prod deployment, with the link comparing them.
func TestIncidentChangesTabNamesTheAddedPipelineAndTheGitRange(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabChanges, 120, 40)
	ch, ok := s.tabs[tabChanges].data.(domain.Changes)
	if !ok || ch.Previous == "" || ch.Git.From == "" {
		t.Fatalf("changes not loaded or without a previous deployment: %+v", s.tabs[tabChanges].data)
	}
	v := ansi.Strip(s.View())
	for _, want := range []string{
		"+ added", "prod-ecommerce-orders-client-backfill-dlt",
		shortSHA(ch.Git.From) + " → " + shortSHA(ch.Git.To), "since " + ch.Previous,
		"compare: https://github.com/example-data/ecommerce-orders/compare/" + prefix(ch.Git.From, 12) + "..." + prefix(ch.Git.To, 12),
		"1 added, 0 removed",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the Changes tab lacks %q:\n%s", want, v)
		}
	}
}

func TestChangesTableListsEachChangedSettingAndMutesTheUnchanged(t *testing.T) {
	c := tabCommon()
	d := domain.Deployment{Release: domain.Release{Bundle: "orders", Version: "2", GitSHA: "bbbbbbbbbb"}, Environment: "prod"}
	tb := changesTable(c, d, domain.Changes{Previous: "orders@1", PreviousAt: testNow.Add(-26 * 60 * 60 * 1e9), Known: true,
		Git: domain.GitRange{From: "aaaaaaaaaa", To: "bbbbbbbbbb"},
		Resources: []domain.ResourceChange{
			{Type: "job", ID: "1", Name: "prod-orders-refresh", Change: domain.ChangeModified, Fields: []domain.FieldChange{
				{Field: "timeout", From: "4h", To: "6h"}, {Field: "task", To: "validate (after publish)"}}},
			{Type: "pipeline", ID: "p", Name: "prod-orders-dlt", Change: domain.ChangeRemoved},
			{Type: "job", ID: "2", Name: "prod-orders-export", Change: domain.ChangeNone},
		}})
	want := []string{
		"~ changed|job|prod-orders-refresh|timeout 4h → 6h",
		"|||task + validate (after publish)",
		"- removed|pipeline|prod-orders-dlt|no longer deployed",
		"= unchanged|job|prod-orders-export|",
	}
	if got := rowTexts(tb); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := tb.Notes[0][1].Text; n != "aaaaaaaa → bbbbbbbb" {
		t.Errorf("git range %q", n)
	}
	first := changesTable(c, d, domain.Changes{Known: true, Git: domain.GitRange{To: "bbbbbbbbbb"}})
	if !strings.Contains(first.Notes[0][2].Text, "no earlier deployment of orders in prod") {
		t.Errorf("first deployment note %+v", first.Notes[0])
	}
}

// At 80 columns the compare link does not fit on its line: it goes on over the next lines,
// indented under its start, and reads whole (a cut link opens the wrong page).
func TestChangesTabKeepsTheCompareLinkWholeWhenNarrow(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabChanges, 80, 24)
	ch, ok := s.tabs[tabChanges].data.(domain.Changes)
	if !ok || ch.Git.CompareURL == "" {
		t.Fatalf("changes not loaded or without a compare link: %+v", s.tabs[tabChanges].data)
	}
	want := "https://github.com/example-data/ecommerce-orders/compare/" + prefix(ch.Git.From, 12) + "..." + prefix(ch.Git.To, 12)
	lines := strings.Split(ansi.Strip(s.View()), "\n")
	link, at := "", -1
	for i, l := range lines {
		if _, after, found := strings.Cut(l, "compare: "); found {
			link, at = strings.TrimSpace(after), i
			break
		}
	}
	indent := strings.Repeat(" ", len("compare: "))
	for i := at + 1; at >= 0 && i < len(lines) && strings.HasPrefix(lines[i], indent) && strings.TrimSpace(lines[i]) != ""; i++ {
		link += strings.TrimSpace(lines[i])
	}
	if link != want || strings.Contains(link, "…") {
		t.Errorf("compare link %q, want %q whole:\n%s", link, want, strings.Join(lines, "\n"))
	}
}
