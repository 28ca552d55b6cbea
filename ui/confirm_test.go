package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/themes"
)

// prodSpec is a prod promotion as the action dialogs will build it: typed confirmation,
// a reason and a ticket, one gate blocking.
func prodSpec() ConfirmSpec {
	return ConfirmSpec{
		ID:    "promote",
		Title: "Promote ecommerce_orders to prod",
		Sections: []DialogSection{
			{Title: "Release", Lines: []string{"from 2026.1122.20 (current, verified)", "to   2026.1122.21 (staging, verified 3h ago)"}},
			{Title: "Resources", Lines: []string{"job orders_ingest", "pipeline orders_silver", "job orders_gold_refresh"}},
			{Title: "Call", Lines: []string{"POST /api/2.1/jobs/run-now job_id=4411 bundle=ecommerce_orders version=2026.1122.21 target=prod"}},
		},
		Gates: []DialogGate{
			{Name: "approval", OK: true, Detail: "2 of 2 (lee, kim)"},
			{Name: "freeze", OK: true, Detail: "no freeze window"},
			{Name: "error budget", OK: false, Detail: "spent: 14.9x burn over 1h (limit 14.4x)"},
		},
		Mode:         ConfirmTyped,
		Phrase:       "prod/ecommerce_orders",
		Fields:       []DialogField{{Key: "reason", Label: "Reason", Required: true}, {Key: "ticket", Label: "Ticket", Placeholder: "CHG-1234", Required: true}},
		ConfirmLabel: "Promote",
	}
}

func stagingSpec() ConfirmSpec {
	return ConfirmSpec{
		ID:           "promote",
		Title:        "Promote ecommerce_orders to staging",
		Sections:     []DialogSection{{Title: "Release", Lines: []string{"from 2026.1122.19", "to   2026.1122.21"}}},
		Gates:        []DialogGate{{Name: "bake time", OK: true, Detail: "baked 4h (needs 2h)"}},
		ConfirmLabel: "Promote",
	}
}

func dialogCommon(th *themes.Theme) *Common { return &Common{Theme: th, Glyphs: UnicodeGlyphs} }

// drawDialog draws a dialog as the root would in a w x h terminal: centred over an empty
// body between the crumb line and the status bar (left blank here).
func drawDialog(d *Confirm, w, h int) string {
	d.SetSize(w, h-2)
	blank := strings.Repeat(" ", w)
	body := strings.TrimSuffix(strings.Repeat(blank+"\n", h-2), "\n")
	return blank + "\n" + placeCentred(body, d.View(), w, h-2) + "\n" + blank
}

func typeDialog(d *Confirm, s string) {
	for _, r := range s {
		k := string(r)
		if r == ' ' {
			k = "space"
		}
		d.Update(pressKey(k))
	}
}

func TestConfirmDialogGoldenAtTwoSizesDarkAndMono(t *testing.T) {
	for _, th := range []struct {
		name  string
		theme func() *themes.Theme
	}{{"dark", themes.Dark}, {"mono", themes.Mono}} {
		for _, sz := range sizes[:2] {
			for _, tc := range []struct {
				name string
				spec ConfirmSpec
				keys string
			}{{"typed", prodSpec(), "prod/ecom"}, {"yesno", stagingSpec(), ""}} {
				name := fmt.Sprintf("confirm_%s_%s_%dx%d", tc.name, th.name, sz.w, sz.h)
				t.Run(name, func(t *testing.T) {
					d := NewConfirm(dialogCommon(th.theme()), tc.spec)
					typeDialog(d, tc.keys)
					got := drawDialog(d, sz.w, sz.h)
					assertFills(t, got, sz.w, sz.h)
					if th.name == "mono" && hasColour(got) {
						t.Error("the mono dialog drew colour")
					}
					plain := ansi.Strip(got)
					for _, want := range []string{tc.spec.Title, "Cancel", "Promote", "error budget"[:len("bake time")]} {
						if tc.name == "typed" && !strings.Contains(plain, want) {
							t.Errorf("the dialog does not show %q", want)
						}
					}
					golden(t, name, got)
				})
			}
		}
	}
}

func TestYesNoDialogOnlyYConfirmsAndEveryOtherKeyCancels(t *testing.T) {
	for _, k := range []string{"y", "n", "enter", "x", "Y", "space", "tab"} {
		d := NewConfirm(dialogCommon(themes.Mono()), stagingSpec())
		d.Update(pressKey(k))
		msg, done := d.Result()
		if !done {
			t.Fatalf("%s left the dialog open", k)
		}
		if got := msg.(ConfirmResult).Confirmed; got != (k == "y") {
			t.Errorf("%s: confirmed %v", k, got)
		}
	}
}

func TestTypedDialogNeedsTheExactPhraseAndTheRequiredFields(t *testing.T) {
	d := NewConfirm(dialogCommon(themes.Mono()), prodSpec())
	d.SetSize(120, 38)
	if d.Focused() != "phrase" {
		t.Fatalf("focus starts on %q, want the phrase", d.Focused())
	}
	// Enter on each input moves on; on the buttons the default is Cancel.
	for range 3 {
		d.Update(pressKey("enter"))
	}
	if d.Focused() != "" || !strings.Contains(ansi.Strip(d.buttons(70)), "[ Cancel ]") {
		t.Fatal("after the inputs the focus is not on Cancel")
	}
	d.Update(pressKey("tab"))
	d.Update(pressKey("enter"))
	if _, done := d.Result(); done {
		t.Fatal("confirmed without the phrase")
	}
	if d.Focused() != "phrase" || !strings.Contains(d.err, "prod/ecommerce_orders") {
		t.Fatalf("a missing phrase moved the focus to %q and said %q", d.Focused(), d.err)
	}
	typeDialog(d, "prod/ecommerce_order") // one letter short
	d.Update(pressKey("shift+tab"))       // Confirm
	d.Update(pressKey("enter"))
	if _, done := d.Result(); done || d.Focused() != "phrase" {
		t.Fatal("confirmed with a phrase one letter short")
	}
	typeDialog(d, "s")
	d.Update(pressKey("shift+tab"))
	d.Update(pressKey("enter"))
	if d.Focused() != "reason" || !strings.Contains(d.err, "Reason") {
		t.Fatalf("a missing reason moved the focus to %q and said %q", d.Focused(), d.err)
	}
	typeDialog(d, " rollback of INC-7 ")
	d.Update(pressKey("tab"))
	typeDialog(d, "CHG-1")
	d.Update(pressKey("tab"))   // Cancel
	d.Update(pressKey("right")) // Promote
	d.Update(pressKey("enter"))
	msg, done := d.Result()
	if !done {
		t.Fatalf("not confirmed: %s", d.err)
	}
	r := msg.(ConfirmResult)
	if !r.Confirmed || r.ID != "promote" || r.Values["reason"] != "rollback of INC-7" || r.Values["ticket"] != "CHG-1" {
		t.Fatalf("result %+v", r)
	}
}

func TestADisabledDialogSaysWhyAndDoesNotConfirm(t *testing.T) {
	s := stagingSpec()
	s.Disabled = "you may not promote to staging: not in group release-managers"
	d := NewConfirm(dialogCommon(themes.Mono()), s)
	d.SetSize(120, 38)
	d.Update(pressKey("y"))
	if _, done := d.Result(); done {
		t.Fatal("a disabled dialog confirmed")
	}
	if !strings.Contains(ansi.Strip(d.View()), "not in group") {
		t.Fatal("the reason is not shown")
	}
}

func TestATallDialogCutsItsSectionsNotItsButtons(t *testing.T) {
	s := prodSpec()
	for i := range 40 {
		s.Sections[1].Lines = append(s.Sections[1].Lines, fmt.Sprintf("job extra_%d", i))
	}
	d := NewConfirm(dialogCommon(themes.Mono()), s)
	got := drawDialog(d, 80, 22)
	assertFills(t, got, 80, 22)
	plain := ansi.Strip(got)
	for _, want := range []string{"more lines", "Cancel", "error budget", "esc cancel", "Ticket"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the cut dialog lost %q:\n%s", want, plain)
		}
	}
}

// recorder is a screen that keeps the messages it receives.
type recorder struct {
	stubScreen
	got []tea.Msg
}

func (r *recorder) Update(msg tea.Msg) (Screen, tea.Cmd) {
	r.got = append(r.got, msg)
	return r, nil
}

func (r *recorder) results() []ConfirmResult {
	var out []ConfirmResult
	for _, m := range r.got {
		if c, ok := m.(ConfirmResult); ok {
			out = append(out, c)
		}
	}
	return out
}

func TestTheTopOverlayOwnsTheKeysAndEscClosesIt(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	rec := &recorder{stubScreen: stubScreen{crumb: "x@1"}}
	m.Update(Push{Screen: rec})
	m.Update(OpenOverlay{Overlay: NewConfirm(m.c, prodSpec())})
	typeInto(t, m, "q?:j")
	if len(m.overlays) != 1 || len(m.stack) != 2 {
		t.Fatalf("keys typed into the dialog reached the root: %d overlays, %d screens", len(m.overlays), len(m.stack))
	}
	for _, msg := range rec.got {
		if _, ok := msg.(tea.KeyPressMsg); ok {
			t.Fatal("a key reached the screen under the dialog")
		}
	}
	if got := m.topOverlay().(*Confirm).inputs[0].Value(); got != "q?:j" {
		t.Fatalf("the dialog got %q", got)
	}
	frame := ansi.Strip(rootFrame(m))
	if !strings.Contains(frame, "Promote ecommerce_orders to prod") || !strings.Contains(frame, "release x@1") {
		t.Fatalf("the dialog is not drawn over the screen:\n%s", frame)
	}
	sendKeys(t, m, "esc")
	if len(m.overlays) != 0 || len(m.stack) != 2 {
		t.Fatalf("esc closed %d overlays and left %d screens", 1-len(m.overlays), len(m.stack))
	}
	if rs := rec.results(); len(rs) != 1 || rs[0].Confirmed || rs[0].ID != "promote" {
		t.Fatalf("the screen got %+v, want one cancelled result", rs)
	}
	// A second esc is the screen's again: back to the home.
	sendKeys(t, m, "esc")
	if len(m.stack) != 1 {
		t.Fatal("esc after the dialog closed did not go back")
	}
}

func TestAConfirmedResultReachesTheScreenBeforeTheNextKey(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	rec := &recorder{stubScreen: stubScreen{crumb: "x@1"}}
	m.Update(Push{Screen: rec})
	m.Update(OpenOverlay{Overlay: NewConfirm(m.c, stagingSpec())})
	m.Update(pressKey("y"))
	if rs := rec.results(); len(rs) != 1 || !rs[0].Confirmed {
		t.Fatalf("after y the screen has %+v", rs)
	}
	if len(m.overlays) != 0 {
		t.Fatal("the dialog stayed open")
	}
}

func TestOverlaysStack(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	m.Update(OpenOverlay{Overlay: NewConfirm(m.c, prodSpec())})
	m.Update(OpenOverlay{Overlay: NewConfirm(m.c, stagingSpec())})
	sendKeys(t, m, "x") // cancels the top (y/N) one only
	if len(m.overlays) != 1 || m.topOverlay().(*Confirm).spec.Mode != ConfirmTyped {
		t.Fatalf("%d overlays left", len(m.overlays))
	}
	if !strings.Contains(ansi.Strip(rootFrame(m)), "to prod") {
		t.Fatal("the dialog below is not drawn")
	}
}
