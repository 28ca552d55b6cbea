package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// boardBudgets answers loadBudgets: the error budgets by bundle and environment.
type boardBudgets struct {
	gen     int
	budgets map[string]map[string]model.Budget
}

// loadBudgets reads, in a command, each bundle's error budget where its promotion would be
// judged (the budget gate's input); a budget that cannot be read is left out (no data).
func (b *board) loadBudgets() tea.Cmd {
	if b.c.Actions == nil {
		return nil
	}
	type want struct{ bundle, env string }
	var wants []want
	for _, e := range b.entries {
		if env := boardBudgetEnv(e); env != "" {
			wants = append(wants, want{e.Bundle, env})
		}
	}
	if len(wants) == 0 {
		return nil
	}
	gen, src, ctx, timeout := b.gen, b.c.Actions, b.ctx, b.c.Timeout
	return func() tea.Msg {
		cctx, cancel := withTimeout(ctx, timeout)
		defer cancel()
		out := map[string]map[string]model.Budget{}
		for _, w := range wants {
			bud, err := src.Budget(cctx, w.bundle, w.env)
			if err != nil {
				if cctx.Err() != nil {
					break
				}
				continue
			}
			if out[w.bundle] == nil {
				out[w.bundle] = map[string]model.Budget{}
			}
			out[w.bundle][w.env] = bud
		}
		return boardBudgets{gen: gen, budgets: out}
	}
}
