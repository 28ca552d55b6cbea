package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// The promotion board's rows (Kargo's stage view, Argo CD's app list): one per bundle, its
// current version in each environment side by side, the version verified in one environment
// and not yet in the next (waiting), and what blocks it from moving on. Built from the
// ledger's state of every bundle (model.DeriveState), the policy and the budgets; pure.

// boardInput is what the board is built from.
type boardInput struct {
	States []model.BundleState
	// Policy gives the promotion chain, approvals required and freeze windows.
	Policy model.Policy
	// Budgets are error budgets by bundle, then environment, where known.
	Budgets map[string]map[string]model.Budget
	Now     time.Time
}

// boardWait is the release verified in From and not yet current in To (the one nearest
// production when several wait), and what blocks it.
type boardWait struct {
	Version, From, To string
	// Request is the pending request to promote it, if one was made.
	Request *model.Request
	// Failed is the newest request into To when it failed and was for this version: R
	// retries it.
	Failed *model.Request
	// Blocks say in words what stops it ("approval 0/1 (asked by marco 40m ago)", ...).
	Blocks []string
}

// boardEntry is one bundle's row.
type boardEntry struct {
	Bundle string
	Cells  []model.BoardCell // per environment of the chain (model.Board)
	Wait   *boardWait
	State  model.BundleState
}

// buildBoard makes a row per bundle (model.Board lays it out and judges the gates that do
// not depend on who asks): rows waiting for the last environment first, those with a
// request awaiting approval before the others, then earlier environments, then by bundle.
func buildBoard(in boardInput) []boardEntry {
	envs := in.Policy.Names()
	out := make([]boardEntry, 0, len(in.States))
	for _, st := range in.States {
		e := boardEntry{Bundle: st.Bundle, State: st, Cells: model.Board(in.Policy, st, in.Budgets[st.Bundle], in.Now)}
		for i := len(e.Cells) - 1; i >= 0; i-- {
			if c := e.Cells[i]; c.Waiting {
				e.Wait = waitOf(in, st, c)
				break
			}
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b boardEntry) int {
		if c := waitRank(a.Wait, envs) - waitRank(b.Wait, envs); c != 0 {
			return c
		}
		return strings.Compare(a.Bundle, b.Bundle)
	})
	return out
}

// waitRank orders rows: waiting for the last environment first (those with a request
// awaiting approval before the others), then earlier environments, then rows with nothing
// waiting.
func waitRank(w *boardWait, envs []string) int {
	if w == nil {
		return 2*len(envs) + 2
	}
	r := 2 * (len(envs) - slices.Index(envs, w.To))
	if w.Request == nil {
		r++
	}
	return r
}

// waitOf says what waits in a cell and what blocks it, in a few words per gate.
func waitOf(in boardInput, st model.BundleState, c model.BoardCell) *boardWait {
	w := &boardWait{Version: c.Current.Release.Version, From: c.Environment, To: c.Next}
	next := st.Env(c.Next)
	if r, ok := next.PendingFor(w.Version); ok {
		w.Request = &r
	}
	if r, ok := newestFailed(next); ok && r.Release.Version == w.Version {
		w.Failed = &r
	}
	for _, g := range c.Blockers {
		switch g.Name {
		case model.GateNotVetoed:
			by := ""
			if v, ok := st.Vetoed(w.Version); ok {
				by = " by " + ShortUser(v.By)
			}
			w.Blocks = append(w.Blocks, "vetoed"+by)
		case model.GateNotPinned:
			by := ""
			if next.Pin != nil {
				by = " by " + ShortUser(next.Pin.By)
			}
			w.Blocks = append(w.Blocks, "pinned"+by)
		case model.GateNoFreeze:
			w.Blocks = append(w.Blocks, "frozen")
		case model.GateBudget:
			w.Blocks = append(w.Blocks, "budget spent")
		case model.GateNotInFlight:
			w.Blocks = append(w.Blocks, "in flight")
		case model.GateApprovals:
			need := 0
			if ep, ok := in.Policy.Env(c.Next); ok {
				need = ep.ApprovalsRequired
			}
			s := fmt.Sprintf("approval 0/%d", need)
			if r := w.Request; r != nil {
				s = fmt.Sprintf("approval %d/%d (asked by %s %s ago)", len(r.Approvals), need, ShortUser(r.Requester), Age(in.Now.Sub(r.At)))
			}
			w.Blocks = append(w.Blocks, s)
		default:
			w.Blocks = append(w.Blocks, string(g.Name))
		}
	}
	if r := w.Request; r != nil && !blockedBy(c.Blockers, model.GateApprovals) && len(r.Approvals) < r.ApprovalsRequired {
		// The policy in force asks for none, but the request was made awaiting approval.
		w.Blocks = append(w.Blocks, fmt.Sprintf("approval %d/%d (asked by %s %s ago)", len(r.Approvals), r.ApprovalsRequired, ShortUser(r.Requester), Age(in.Now.Sub(r.At))))
	}
	return w
}

func blockedBy(gates []model.Gate, name model.GateName) bool {
	for _, g := range gates {
		if g.Name == name {
			return true
		}
	}
	return false
}

// Board columns: the bundle, one per environment, what waits, the error budget left where
// its promotion would be judged, and what blocks it.
const (
	boardColBundle = 0
	boardColFirst  = 1 // the first environment's column
)

func boardColumns(envs []string) []Column {
	cols := []Column{{Title: "BUNDLE", Min: 16, Max: 28, Flex: true}}
	for i, env := range envs {
		// Earlier environments give way first at narrow widths; production stays.
		cols = append(cols, Column{Title: strings.ToUpper(env), Min: 15, Max: 19, Flex: true, Priority: 10 - i})
	}
	cols = append(cols,
		Column{Title: "WAITING", Min: 9, Max: 10, Flex: true, Priority: 1},
		// The budget gives way first at narrow widths (before the environments: at 80
		// columns the waiting version matters more); a spent budget that blocks what waits
		// is also among BLOCKED BY.
		Column{Title: "BUDGET", Min: 6, Max: 6, Right: true, Priority: 11},
		// What blocks a promotion is the board's answer: wrapped, never cut.
		Column{Title: "BLOCKED BY", Min: 14, Max: 400, Flex: true, Wrap: true})
	return cols
}

// boardBudgetEnv is where a row's promotion would be judged: the environment its waiting
// release waits for, else the last one (where p acts from the board).
func boardBudgetEnv(e boardEntry) string {
	if e.Wait != nil {
		return e.Wait.To
	}
	if len(e.Cells) > 0 {
		return e.Cells[len(e.Cells)-1].Environment
	}
	return ""
}

// budgetCell is the error budget left in words: "42%", "spent", "-" when unknown.
func budgetCell(b model.Budget, ok bool) Cell {
	switch {
	case !ok || b.NoData:
		return Cell{"-", ToneMuted}
	case b.Spent:
		return Cell{"spent", ToneDegraded}
	}
	return Cell{fmt.Sprintf("%.0f%%", 100*b.Remaining), ToneBase}
}

// boardRow renders an entry: each environment's version with its verdict glyph, PIN and
// VETO in words, a mark on the version that waits; what waits, the error budget left where
// the promotion would be judged (budgets by environment), and what blocks it (a spent
// budget among them when something waits: model.Board judges the budget gate).
func boardRow(g Glyphs, e boardEntry, budgets map[string]model.Budget) *Row {
	r := &Row{Key: e.Bundle, Cells: make([]Cell, 0, len(e.Cells)+4)}
	r.Cells = append(r.Cells, Cell{Clean(e.Bundle), ToneBase})
	var tags []string
	for _, c := range e.Cells {
		_, vetoed := e.State.Vetoed(c.Current.Release.Version)
		vetoed = vetoed && c.HasCurrent
		r.Cells = append(r.Cells, boardCellText(g, c, vetoed, e.Wait != nil && e.Wait.From == c.Environment))
		if c.Pin != nil {
			tags = append(tags, "pinned:"+c.Environment)
		}
		if vetoed {
			tags = append(tags, "vetoed")
		}
	}
	wait, block := Cell{"-", ToneMuted}, Cell{"", ToneMuted}
	if w := e.Wait; w != nil {
		wait = Cell{g.Arrow + " " + Clean(w.To), ToneHealthy}
		switch {
		case len(w.Blocks) == 0 && w.Failed != nil:
			block = Cell{failedAttempt, ToneDegraded}
		case len(w.Blocks) == 0:
			// Known: the board judges the gates that do not depend on who asks; p judges
			// every gate. Short enough for one line of the column at 80 cells.
			block = Cell{"no block known", ToneHealthy}
		default:
			wait.Tone = ToneDegraded
			text := strings.Join(w.Blocks, ", ")
			if w.Failed != nil {
				text = failedAttempt + ", " + text
			}
			block = Cell{Clean(text), ToneDegraded}
		}
	} else if pinned := pinnedEnvs(e); pinned != "" {
		block = Cell{"pinned in " + pinned, ToneDegraded}
	}
	env := boardBudgetEnv(e)
	b, ok := budgets[env]
	budget := budgetCell(b, ok)
	r.Cells = append(r.Cells, wait, budget, block)
	if budget.Text == "spent" {
		tags = append(tags, "budget-spent:"+env)
	}
	r.Find = Fields{Bundle: strings.ToLower(e.Bundle), Tags: strings.Join(tags, ",")}
	r.Find.All = r.Find.Bundle + " " + strings.ToLower(wait.Text+" "+block.Text)
	return r
}

// failedAttempt says on the board that the promotion of what waits was tried and failed.
const failedAttempt = "last attempt failed: R retries"

func pinnedEnvs(e boardEntry) string {
	var out []string
	for _, c := range e.Cells {
		if c.Pin != nil {
			out = append(out, c.Environment)
		}
	}
	return strings.Join(out, ", ")
}

// boardCellText: "2026.1122.21 ✓" (verified), "~" while it bakes, the verdict's glyph
// otherwise; then PIN, VETO and a waiting arrow in words and glyphs, never colour alone; an
// ellipsis while a deployment is in flight.
func boardCellText(g Glyphs, c model.BoardCell, vetoed, waits bool) Cell {
	if !c.HasCurrent {
		return Cell{"-", ToneMuted}
	}
	v := c.Current.Verdict
	glyph, tone := verdictGlyph(g, v), verdictTone(v)
	if v == "" {
		glyph, tone = g.Provisional, ToneMuted
	}
	s := Clean(c.Current.Release.Version) + " " + glyph
	if waits {
		s += g.Arrow
	}
	switch {
	case vetoed:
		s += " VETO"
		tone = ToneFailing
	case c.Pin != nil:
		s += " PIN"
		tone = ToneDegraded
	}
	if len(c.InFlight) > 0 {
		s += " " + g.Ellipsis
	}
	return Cell{s, tone}
}
