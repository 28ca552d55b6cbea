package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

func TestParseFilterCombinesWordsWithAnd(t *testing.T) {
	row := &Fields{
		All: "ecommerce_orders 2026.1122.21 76570352abc marco.bianchi", Bundle: "ecommerce_orders",
		Version: "2026.1122.21", SHA: "76570352abc", By: "marco.bianchi", Status: "failing",
		Provisional: true, Tags: "current,pinned",
	}
	tests := []struct {
		filter string
		want   bool
	}{
		{"", true},
		{"ecommerce", true},
		{"ECOMMERCE", true},
		{"marco", true},
		{"7657", true},
		{"nothing", false},
		{"bundle:ecommerce status:failing", true},
		{"bundle:ecommerce status:healthy", false},
		{"b:orders s:fail", true},
		{"status:provisional", true},
		{"status:final", false},
		{"by:marco tag:pinned", true},
		{"tag:vetoed", false},
		{"sha:7657", true},
		{"sha:570", false}, // the sha matches from its start
		{"version:1122", true},
		{"!status:healthy", true},
		{"-bundle:ecommerce", false},
		{"bundle:", true},     // a key being typed keeps everything
		{"unknown:x", false},  // an unknown key is free text
		{"env:staging", true}, // env: names a tab, not a row
	}
	for _, tt := range tests {
		if got := ParseFilter(tt.filter).Match(row); got != tt.want {
			t.Errorf("%q matches = %v, want %v", tt.filter, got, tt.want)
		}
	}
	if got := ParseFilter("e:Staging bundle:x").Env; got != "staging" {
		t.Errorf("env = %q, want staging", got)
	}
}

func TestWithTermReplacesWordsOfTheSameKey(t *testing.T) {
	tests := []struct{ line, key, value, want string }{
		{"", "bundle", "x", "bundle:x"},
		{"marco bundle:a", "bundle", "b", "marco bundle:b"},
		{"b:a !bundle:c status:failing", "bundle", "", "status:failing"},
		{"bundle:a", "status", "failing", "bundle:a status:failing"},
	}
	for _, tt := range tests {
		if got := withTerm(tt.line, tt.key, tt.value); got != tt.want {
			t.Errorf("withTerm(%q, %s, %s) = %q, want %q", tt.line, tt.key, tt.value, got, tt.want)
		}
	}
}

// visible returns the deployments the table shows, in order.
func visible(m *root) []source.Deployment {
	e := m.home.activeEnv()
	var out []source.Deployment
	for _, i := range m.home.table.view {
		out = append(out, e.byID[m.home.table.rows[i].Key].d)
	}
	return out
}

func TestTypedFiltersKeepOnlyMatchingDeployments(t *testing.T) {
	tests := []struct {
		typed string
		env   string
		keep  func(d source.Deployment) bool
	}{
		{"bundle:ecommerce status:failing", "prod", func(d source.Deployment) bool {
			return strings.Contains(d.Release.Bundle, "ecommerce") && d.Verdict == model.VerdictFailing
		}},
		{"ingest", "prod", func(d source.Deployment) bool {
			return strings.Contains(d.Release.Bundle, "ingest") || strings.Contains(d.Release.Version, "ingest") ||
				strings.Contains(d.DeployedBy, "ingest")
		}},
		{"by:marco", "prod", func(d source.Deployment) bool { return strings.HasPrefix(d.DeployedBy, "marco") }},
		{"tag:pinned", "prod", func(d source.Deployment) bool { return strings.Contains(strings.Join(d.Tags, ","), model.TagPinned) }},
		{"!status:healthy", "prod", func(d source.Deployment) bool { return d.Verdict != model.VerdictHealthy }},
		{"env:staging status:degraded", "staging", func(d source.Deployment) bool { return d.Verdict == model.VerdictDegraded }},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
			sendKeys(t, m, "/")
			typeInto(t, m, tt.typed)
			if got := m.home.Crumb(); got != tt.env {
				t.Fatalf("the filter left the tab on %s, want %s", got, tt.env)
			}
			var want []string
			for _, it := range m.home.activeEnv().items {
				if tt.keep(it.d) {
					want = append(want, it.d.ID)
				}
			}
			var got []string
			for _, d := range visible(m) {
				got = append(got, d.ID)
			}
			if len(want) == 0 {
				t.Fatal("the estate has no deployment for this case: the test proves nothing")
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("the filter keeps %d deployments %v, want %d %v", len(got), got, len(want), want)
			}
			f := ansi.Strip(rootFrame(m))
			if !strings.Contains(f, "/"+tt.typed) {
				t.Errorf("the filter line does not show what was typed:\n%s", f)
			}
			sendKeys(t, m, "enter")
			if f := ansi.Strip(rootFrame(m)); !strings.Contains(f, "filter: "+tt.typed) {
				t.Errorf("the kept filter is not shown in the header:\n%s", f)
			}
			sendKeys(t, m, "esc")
			if m.home.table.Len() != m.home.table.Total() || len(m.stack) != 1 {
				t.Fatalf("esc left %d of %d rows", m.home.table.Len(), m.home.table.Total())
			}
		})
	}
}

func TestAFilterThatMatchesNothingSaysSo(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, "/")
	typeInto(t, m, "no-such-bundle")
	sendKeys(t, m, "enter")
	if f := ansi.Strip(rootFrame(m)); !strings.Contains(f, "no deployment matches the filter") {
		t.Fatalf("an empty result is not explained:\n%s", f)
	}
}

func TestWhileTypingAFilterQAndQuestionMarkAreText(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, "/")
	for _, k := range []string{"q", "?", ":"} {
		_, cmd := m.Update(pressKey(k))
		if isQuit(cmd) {
			t.Fatalf("%s while typing quits", k)
		}
	}
	if got := m.home.input.Value(); got != "q?:" || m.helpOpen() || m.cmdlineOpen() {
		t.Fatalf("typed %q (help %v, command line %v), want the text q?:", got, m.helpOpen(), m.cmdlineOpen())
	}
}

// isQuit reports whether a command quits (commands that do not answer at once are timers).
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	got := make(chan tea.Msg, 1)
	go func() { got <- cmd() }()
	select {
	case msg := <-got:
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				if isQuit(c) {
					return true
				}
			}
		}
		_, ok := msg.(tea.QuitMsg)
		return ok
	case <-time.After(100 * time.Millisecond):
		return false
	}
}

func TestNarrowsOnlyWhenNoHiddenRowCouldComeBack(t *testing.T) {
	tests := []struct {
		prev, next string
		want       bool
	}{
		{"", "e", true},
		{"e", "ec", true},
		{"ec", "e", false},
		{"bundle:ec", "bundle:eco status:f", true},
		{"bundle:ec", "ec", false},
		{"sha:ab", "sha:abc", true},
		{"sha:ab", "sha:xab", false},
		{"status:fail", "status:failing", true},
		{"status:prov", "status:provisional", false},
		{"!x", "!xy", false},
		{"!x", "!x y", true},
		{"a b", "b a c", true},
	}
	for _, tt := range tests {
		if got := ParseFilter(tt.next).Narrows(ParseFilter(tt.prev)); got != tt.want {
			t.Errorf("%q after %q narrows = %v, want %v", tt.next, tt.prev, got, tt.want)
		}
	}
}

func TestFilteringWhileTypingAndBackspacingMatchesAFreshFilter(t *testing.T) {
	tb := newTestTable(5000, 120, 21)
	typed := "bundle_1 marco"
	prev := Filter{}
	check := func(text string) {
		f := ParseFilter(text)
		if f.Narrows(prev) {
			tb.NarrowFilter(f.Match)
		} else {
			tb.SetFilter(f.Match)
		}
		prev = f
		fresh := newTestTable(5000, 120, 21)
		fresh.SetFilter(f.Match)
		if !slices.Equal(tb.view, fresh.view) {
			t.Fatalf("after %q the table shows %d rows, a fresh filter %d", text, len(tb.view), len(fresh.view))
		}
	}
	for i := 1; i <= len(typed); i++ {
		check(typed[:i])
	}
	for i := len(typed) - 1; i >= 0; i-- {
		check(typed[:i])
	}
}
