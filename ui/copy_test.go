package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/release-cockpit/cockpit/themes"
)

// y on the home sends the selected deployment's release id to the clipboard; Y opens a
// chooser of its sha, release id, deployment id and ticket, and a digit copies one.
func TestYOnTheHomeCopiesTheReleaseIdAndYOffersTheOthers(t *testing.T) {
	c, _ := fakeCommon(themes.Mono())
	m := startRoot(t, c, rootOptions(), 120, 40)
	sendKeys(t, m, "y")
	if want := "sent the release id to the terminal's clipboard (OSC 52): orders@2026.1123.1"; m.note.Text != want {
		t.Errorf("notice %q, want %q", m.note.Text, want)
	}
	sendKeys(t, m, "Y")
	ch, ok := m.topOverlay().(*copyChooser)
	if !ok {
		t.Fatalf("Y opened %T, want the copy chooser", m.topOverlay())
	}
	frame := ansi.Strip(rootFrame(m))
	for _, want := range []string{"copy to the terminal's clipboard", "1 release id", "2 git sha", "0a1b2c3d4e5f", "3 deployment id", "prod-orders-2026.1123.1", "esc cancels"} {
		if !strings.Contains(frame, want) {
			t.Errorf("the chooser lacks %q:\n%s", want, frame)
		}
	}
	if len(ch.choices) != 3 {
		t.Errorf("%d choices, want 3 (the fake deployment has no ticket)", len(ch.choices))
	}
	sendKeys(t, m, "2")
	if m.topOverlay() != nil || !strings.Contains(m.note.Text, "sent the git sha to the terminal's clipboard (OSC 52): 0a1b2c3d4e5f") {
		t.Errorf("2 in the chooser: overlay %T, notice %q", m.topOverlay(), m.note.Text)
	}
	sendKeys(t, m, "Y", "esc")
	if m.topOverlay() != nil || strings.Contains(m.note.Text, "sent") {
		t.Errorf("esc in the chooser: overlay %T, notice %q", m.topOverlay(), m.note.Text)
	}
}

// On the release screen y copies what the row stands for: a table's name in the lineage,
// a run's page URL (read from the workspace) in the Runs tab; Y adds the deployment's ids.
func TestYOnTheReleaseScreenCopiesTheRowsMostUsefulValue(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabLineage, 80, 24)
	for i, r := range s.table().Rows {
		if ref, ok := r.Ref.(lineageTableRef); ok && string(ref) == incidentGoldTable {
			s.list().MoveTo(i)
		}
	}
	_, cmd := s.Update(keyPress("y"))
	if got, want := cmd(), (copyRequest{What: "table name", Value: incidentGoldTable}); got != want {
		t.Errorf("y in the lineage: %#v, want %#v", got, want)
	}
	s.list().MoveTo(0) // the release's line stands for no table
	if _, cmd := s.Update(keyPress("y")); cmd().(copyRequest).What != "release id" {
		t.Error("y on a line without a table does not copy the release id")
	}

	s = openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabRuns, 80, 24)
	_, cmd = s.Update(keyPress("y")) // the failed run is the first row
	got := cmd().(copyRequest)
	if got.Err != nil || got.What != "run page URL" || !strings.Contains(got.Value, "#job/") || !strings.HasSuffix(got.Value, "/run/"+s.table().Rows[0].Cells[2].Text) {
		t.Errorf("y on the failed run: %+v", got)
	}
	_, cmd = s.Update(keyPress("Y"))
	ch, ok := cmd().(OpenOverlay).Overlay.(*copyChooser)
	if !ok {
		t.Fatal("Y does not open the chooser")
	}
	var whats []string
	for _, c := range ch.choices {
		whats = append(whats, c.What)
	}
	if strings.Join(whats, ",") != "run page URL,release id,git sha,deployment id,ticket" {
		t.Errorf("Y offers %v", whats)
	}
}
