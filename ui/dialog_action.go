package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/release-cockpit/cockpit/model"
)

// An action's dialog (DESIGN §6): the from and to versions, the resources touched, every
// gate with its status (ok, blocks: reason, or overridden by break-glass), the error budget
// where the promotion is judged, and the exact call it will make. Outside the last
// environment a y/N (any other key cancels, Cancel is the default); in it (prod) the exact
// prod/<bundle> typed, a reason and a ticket. When a gate blocks, the dialog still shows
// everything and confirming only repeats why.

// actionDialogID names action dialogs' results.
const actionDialogID = "action"

// typedGates are the gates the dialog's own inputs answer: they are judged again with
// what is typed, so they do not make the dialog refuse before anything is typed.
func typedGate(n model.GateName) bool { return n == model.GateTicket || n == model.GateReason }

// actionSpec builds the dialog of a plan. prod says the target is the last environment of
// the chain (typed confirmation).
func actionSpec(p model.ActionPlan, prod bool) ConfirmSpec {
	req := p.Request
	t := &actionTarget{Bundle: req.Bundle, Env: req.Environment, Version: p.To.Version}
	title := actionTitle(req.Action, t)
	if req.RetryOf != "" {
		title = fmt.Sprintf("Retry %s in %s (new attempt of %s)", model.ReleaseID(req.Bundle, p.To.Version), req.Environment, shortID(req.RetryOf))
	}
	spec := ConfirmSpec{ID: actionDialogID, Title: title, ConfirmLabel: confirmLabel(req.Action, p), Payload: p}

	rel := []string{}
	from := orDash(p.From.Release.Version)
	if p.From.Release.Version != "" && !p.From.DeployedAt.IsZero() {
		from += " (current, deployed by " + ShortUser(p.From.DeployedBy) + ")"
	}
	switch req.Action {
	case model.ActionPromote, model.ActionRollback:
		rel = append(rel, "from "+from, "to   "+orDash(p.To.Version)+shaNote(p.To.GitSHA))
	case model.ActionPin, model.ActionUnpin:
		rel = append(rel, "holds "+from)
	default:
		rel = append(rel, "release "+model.ReleaseID(req.Bundle, p.To.Version), "current "+from)
	}
	if p.Actor != "" {
		rel = append(rel, "as   "+p.Actor)
	}
	spec.Sections = append(spec.Sections, DialogSection{Title: "Release in " + req.Environment, Lines: rel})
	if len(p.Resources) > 0 {
		spec.Sections = append(spec.Sections, DialogSection{Title: fmt.Sprintf("Resources touched (%d)", len(p.Resources)), Lines: resourceLines(p)})
	}
	call := []string{}
	if p.Call != "" {
		call = append(call, p.Call)
	}
	call = append(call, p.Writes...)
	if len(call) > 0 {
		spec.Sections = append(spec.Sections, DialogSection{Title: "Call", Lines: call})
	}

	var refuse []string
	for _, g := range p.Report.Gates {
		spec.Gates = append(spec.Gates, dialogGate(g))
		if !g.Passes() && !typedGate(g.Name) && !(p.AwaitsApproval && g.Name == model.GateApprovals) {
			refuse = append(refuse, string(g.Name)+": "+g.Reason)
		}
	}
	if len(refuse) > 0 {
		spec.Disabled = "refused: " + strings.Join(refuse, "; ")
	}

	// What must be typed: in prod the phrase, a reason and a ticket; elsewhere the reason
	// or ticket a gate asks for (a pin, an unpin and a veto always need a reason).
	needReason, needTicket := blocking(p.Report, model.GateReason), blocking(p.Report, model.GateTicket)
	if prod || needReason || needTicket {
		spec.Mode = ConfirmTyped
		if prod {
			spec.Phrase = req.Environment + "/" + req.Bundle
		}
		spec.Fields = append(spec.Fields, DialogField{Key: "reason", Label: "Reason", Placeholder: "why, in a sentence", Required: prod || needReason})
		if prod || needTicket {
			spec.Fields = append(spec.Fields, DialogField{Key: "ticket", Label: "Ticket", Placeholder: "CHG-1234", Required: needTicket || (prod && runsDeployer(req.Action))})
		}
	}
	return spec
}

// resourceLines name the resources a deployment touches; a retry marks those its failed
// attempt failed on (the result's failed_resources, by resource key), and names any it
// failed on that the release does not list.
func resourceLines(p model.ActionPlan) []string {
	var failed []string
	if id := p.Request.RetryOf; id != "" {
		if r, ok := p.State.Env(p.Request.Environment).Request(id); ok {
			failed = r.FailedResources
		}
	}
	seen := map[string]bool{}
	var lines []string
	for _, r := range p.Resources {
		name := r.Name
		if name == "" {
			name = r.ResourceKey
		}
		l := r.ResourceType + " " + name
		if r.ResourceKey != "" && slices.Contains(failed, r.ResourceKey) {
			l += " (failed last attempt)"
			seen[r.ResourceKey] = true
		}
		lines = append(lines, l)
	}
	for _, k := range failed {
		if !seen[k] {
			lines = append(lines, k+" (failed last attempt)")
		}
	}
	return lines
}

// dialogGate shows a gate: ok, blocks with the reason, or overridden by break-glass.
func dialogGate(g model.Gate) DialogGate {
	name := strings.ReplaceAll(string(g.Name), "_", " ")
	switch {
	case g.Overridden:
		return DialogGate{Name: name, OK: true, Detail: "overridden by break-glass: " + g.Reason, Notable: true}
	case g.OK:
		// break-glass, and a retry's attempt with what failed last time, stay in sight.
		return DialogGate{Name: name, OK: true, Detail: g.Reason, Notable: g.Name == model.GateBreakGlass || g.Name == model.GateRetryable}
	case typedGate(g.Name):
		return DialogGate{Name: name, OK: false, Detail: "type it below: " + g.Reason}
	}
	return DialogGate{Name: name, OK: false, Detail: "blocks: " + g.Reason}
}

func blocking(r model.GateReport, n model.GateName) bool {
	g, ok := r.Gate(n)
	return ok && !g.Passes()
}

func runsDeployer(a model.Action) bool { return a == model.ActionPromote || a == model.ActionRollback }

func confirmLabel(a model.Action, p model.ActionPlan) string {
	switch {
	case p.AwaitsApproval:
		return "Request approval"
	case p.Request.RetryOf != "":
		return "Retry"
	case a == model.ActionRollback:
		return "Roll back"
	}
	return strings.ToUpper(string(a[:1])) + string(a[1:])
}

func shaNote(sha string) string {
	if sha == "" {
		return ""
	}
	return " (" + shortSHA(sha) + ")"
}

// breakGlassKey switches a promotion's or rollback's dialog to break-glass and back. A
// control key: typed dialogs take letters as text, and y/N ones cancel on any other key.
const breakGlassKey = "ctrl+g"

// actionDialog is the dialog of a plan (actionSpec). When the freeze window and/or (for a
// promotion) the spent error budget are all that block (besides the reason and ticket
// still to type) it offers break-glass to a user the policy allows (bg: their decision on
// model.ActionBreakGlass in the environment): breakGlassKey switches to a dialog that shows those gates overridden and
// needs a reason, the ticket as usual and the typed confirmation; its result is Toggled,
// and executing asks the executor for break-glass, which records the request as such.
// To anyone else the dialog stays refused, every gate with its reason, and says why
// break-glass is not theirs.
func actionDialog(p model.ActionPlan, prod bool, bg model.Decision) ConfirmSpec {
	spec := actionSpec(p, prod)
	if p.AwaitsApproval || !p.Report.OnlyBreakGlassBlocks(model.GateTicket, model.GateReason) {
		return spec
	}
	if !bg.Allowed {
		if !bg.Hidden && bg.Reason != "" {
			spec.Disabled += "; break-glass is not yours: " + bg.Reason
		}
		return spec
	}
	var names []string
	for _, g := range p.Report.Blocking() {
		if g.BreakGlass {
			names = append(names, overridable(g.Name))
		}
	}
	what, verb := strings.Join(names, " and "), "blocks"
	if len(names) > 1 {
		verb = "block"
	}
	gp := p
	gp.Request.BreakGlass = true
	gp.Report = p.Report.BreakGlassPreview(p.Actor)
	on := actionSpec(gp, prod)
	on.Title = "BREAK-GLASS " + spec.Title
	on.ConfirmLabel = spec.ConfirmLabel + " (break-glass)"
	requireReason(&on)
	spec.Toggle = &DialogToggle{Key: breakGlassKey, Help: "break glass",
		Off:    fmt.Sprintf("only %s %s: %s breaks glass (you may; reason required)", what, verb, breakGlassKey),
		OnLine: fmt.Sprintf("break-glass overrides %s; recorded as break-glass", what),
		On:     &on}
	return spec
}

// overridable names a gate break-glass overrides in the dialog's words.
func overridable(n model.GateName) string {
	switch n {
	case model.GateNoFreeze:
		return "the freeze"
	case model.GateBudget:
		return "the budget"
	}
	return strings.ReplaceAll(string(n), "_", " ")
}

// requireReason makes a dialog typed with a required reason (break-glass always needs one).
func requireReason(s *ConfirmSpec) {
	s.Mode = ConfirmTyped
	for i := range s.Fields {
		if s.Fields[i].Key == "reason" {
			s.Fields[i].Required = true
			return
		}
	}
	s.Fields = append([]DialogField{{Key: "reason", Label: "Reason", Placeholder: "why, in a sentence", Required: true}}, s.Fields...)
}
