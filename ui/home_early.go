package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// What the home shows before an environment's health is read. An environment's first load
// asks for its deployments early (model.ListQuery.Early): the rows of the page statement,
// which answers well before the statements that judge them and the live feed. They are
// shown at once, their verdict, runs, checks and expectations saying they are being read
// (never a verdict made from nothing: the tab keeps saying it is loading), and the whole
// answer replaces them; a failed load removes them and says why, as before. The action
// dialogs read what they judge themselves, so a key pressed on an early row acts on the
// same facts as on any other. A release screen opened on an early row says its health is
// being read and takes its verdict from the home's whole answer.

// deploymentsEarly: an environment's deployments arrived before their health; rest waits
// for the whole answer (deploymentsLoaded or deploymentsFailedToLoad).
type deploymentsEarly struct {
	req  loadRequest
	rows []model.AssessedDeployment
	rest tea.Cmd
}

// early shows an environment's deployments before their health, if nothing newer is known.
// Until the starting tab is settled (settleDefaultEnv waits for verdicts), the environment
// loaded first is shown.
func (h *home) early(msg deploymentsEarly) {
	e := h.env(msg.req.env)
	if e == nil || msg.req.gen != e.gen || e.loaded || len(e.byID) > 0 {
		return
	}
	for i := range msg.rows {
		d := msg.rows[i]
		e.byID[d.ID] = &item{d: d}
	}
	if !h.chosen && h.active < 0 {
		h.active = h.envIndex(e.name)
	}
	h.rebuild(e)
	if h.activeEnv() == e {
		h.table.MoveTo(0)
		e.earlyTop = h.table.selectedKey()
	}
}

// settleEarly puts the cursor on the top row once the whole answer replaced the early rows,
// unless it was moved meanwhile: the worst deployment, not the one that happened to be
// first before the verdicts were known.
func (h *home) settleEarly(e *envState) {
	top := e.earlyTop
	e.earlyTop = ""
	if top != "" && h.activeEnv() == e && h.table.selectedKey() == top {
		h.table.MoveTo(0)
	}
}

// dropEarly removes rows shown before their health when the load that would judge them failed.
func (h *home) dropEarly(e *envState) {
	if len(e.byID) == 0 {
		return
	}
	e.byID, e.earlyTop = map[string]*item{}, ""
	h.rebuild(e)
}

// judgedDeployment is an environment's deployment by id, once its health was read.
func (h *home) judgedDeployment(env, id string) (model.AssessedDeployment, bool) {
	if e := h.env(env); e != nil {
		if it, ok := e.byID[id]; ok && !it.d.Pending {
			return it.d, true
		}
	}
	return model.AssessedDeployment{}, false
}

// catchUp takes the verdict the home read while the screen was on its way (the home's
// answer can arrive between the key that opens it and its push).
func (s *ReleaseScreen) catchUp() {
	if s.d.Pending && s.c.judged != nil {
		if d, ok := s.c.judged(s.env, s.d.ID); ok {
			s.d, s.viewValid = d, false
		}
	}
}

// judged gives a release screen opened before its deployment's health was read the verdict
// the home's whole answer holds.
func (s *ReleaseScreen) judged(msg deploymentsLoaded) {
	if !s.d.Pending || msg.req.env != s.env {
		return
	}
	for _, d := range msg.rows {
		if d.ID == s.d.ID {
			s.d, s.viewValid = d, false
			return
		}
	}
}

// notJudged says why the verdict of a deployment opened before its health was read will
// not come.
func (s *ReleaseScreen) notJudged(msg deploymentsFailedToLoad) {
	if s.d.Pending && msg.req.env == s.env {
		s.judgeErr, s.viewValid = msg.err, false
	}
}

// pendingLine is the header's verdict line while the deployment's health is read.
func (s *ReleaseScreen) pendingLine() string {
	c := s.c
	if s.judgeErr != nil {
		return drawLine(c, s.width, relCell{c.Glyphs.Unknown + " health not read: " + Clean(s.judgeErr.Error()) + " (esc, then r on the home)", c.Theme.Warning})
	}
	return drawLine(c, s.width, relCell{c.Glyphs.Ellipsis + " reading its health", c.Theme.Muted})
}
