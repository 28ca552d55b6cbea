package model

import "time"

// BoardCell is one bundle in one environment on the promotion board: what runs there, what
// is pinned, asked for or in flight, and whether its release waits for the next environment.
type BoardCell struct {
	Environment string
	Current     LedgerDeployment
	HasCurrent  bool
	Pin         *Pin
	Pending     []Request
	InFlight    []Request
	// Next is the environment it would be promoted into; empty for the last one.
	Next string
	// Waiting: the current release here is verified and not the current one in Next.
	Waiting bool
	// Blockers are the gates that refuse promoting it into Next now, whoever asks: vetoed,
	// pinned, freeze, budget, in flight, approvals missing. Empty when nothing waits.
	Blockers []Gate
}

// boardGates are the gates that do not depend on who asks nor on what they type.
var boardGates = map[GateName]bool{GateNotVetoed: true, GateNotPinned: true, GateNoFreeze: true, GateBudget: true, GateNotInFlight: true, GateApprovals: true}

// Board lays out one bundle across the environments in promotion order: a row of the
// promotion board. budgets holds the bundle's error budget per environment (missing: no data).
func Board(p Policy, s BundleState, budgets map[string]Budget, now time.Time) []BoardCell {
	out := make([]BoardCell, 0, len(p.Environments))
	for _, ep := range p.Environments {
		env := s.Env(ep.Name)
		c := BoardCell{Environment: ep.Name, Pin: env.Pin, Pending: env.Pending(), InFlight: env.InFlight()}
		c.Current, c.HasCurrent = env.Current()
		c.Next, _ = p.Next(ep.Name)
		if c.HasCurrent && c.Next != "" && c.Current.Verified() {
			nextCur, ok := s.Env(c.Next).Current()
			c.Waiting = !ok || nextCur.Release.Version != c.Current.Release.Version
		}
		if c.Waiting {
			rep := EvaluateGates(GateInput{Action: ActionPromote, Policy: p, Environment: c.Next, Release: c.Current.Release,
				State: s, Budget: budgets[c.Next], Now: now})
			for _, g := range rep.Gates {
				if boardGates[g.Name] && !g.OK {
					c.Blockers = append(c.Blockers, g)
				}
			}
		}
		out = append(out, c)
	}
	return out
}
