package ui

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// runDetailLoaded is the result of reading a run from the workspace.
type runDetailLoaded struct {
	env    string
	runID  string
	gen    int
	detail domain.RunDetail
	err    error
}

// runKeys are the run screen's bindings.
type runKeys struct {
	TableKeys
	Copy, Reload key.Binding
}

// RunScreen is one job run: its state, termination details, run page URL (y sends it to
// the terminal's clipboard with OSC 52, which works over ssh: copyValue) and its tasks.
type RunScreen struct {
	c    *Common
	env  string
	run  domain.JobRun
	keys runKeys

	gen    int
	loaded bool
	detail domain.RunDetail
	err    error
	tasks  *relTable
	list   tabView
	copied bool // y sent the URL to the terminal's clipboard

	width, height int
	view          string
	viewValid     bool
	viewMinute    time.Time
	viewTheme     *themes.Theme
}

// NewRunScreen opens a job run of env; it loads on Init.
func NewRunScreen(c *Common, env string, run domain.JobRun) Screen {
	return &RunScreen{c: c, env: env, run: run, keys: runKeys{
		TableKeys: NewTableKeys(),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy run URL")),
		Reload:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
	}}
}

// Init reads the run.
func (s *RunScreen) Init() tea.Cmd {
	s.gen++
	s.loaded, s.err, s.tasks, s.viewValid = false, nil, nil, false
	return loadRun(s.c, s.env, s.run.RunID, s.gen)
}

// loadRun reads a run through the source, within the timeout.
func loadRun(c *Common, env, runID string, gen int) tea.Cmd {
	src, parent, timeout := c.Source, c.context(), c.Timeout
	if timeout <= 0 {
		timeout = defaultLoadTimeout
	}
	return func() tea.Msg {
		id, err := strconv.ParseInt(runID, 10, 64)
		if err != nil {
			return runDetailLoaded{env: env, runID: runID, gen: gen, err: fmt.Errorf("run id %q is not a number", runID)}
		}
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		d, err := src.Run(ctx, env, id)
		return runDetailLoaded{env: env, runID: runID, gen: gen, detail: d, err: err}
	}
}

// Crumb is the run id.
func (s *RunScreen) Crumb() string { return "run " + Clean(s.run.RunID) }

// SetSize gives the screen its area.
func (s *RunScreen) SetSize(width, height int) {
	if width != s.width || height != s.height {
		s.width, s.height = width, height
		s.viewValid = false
		s.clampScroll()
	}
}

// clampScroll keeps the task list's position inside its rows and the screen.
func (s *RunScreen) clampScroll() { s.taskList() }

// taskList is the tasks' Table, sized to what is left below the title and the details;
// nil until the run has loaded.
func (s *RunScreen) taskList() *Table {
	tb := s.taskTable()
	if tb == nil {
		return nil
	}
	return s.list.show(s.c, tb, s.width, s.height-1-len(s.details()))
}

// KeyMap lists the bindings; y only once there is a URL to copy.
func (s *RunScreen) KeyMap() []key.Binding {
	k := s.keys
	k.Copy.SetEnabled(s.url() != "")
	return append([]key.Binding{k.Copy, k.Reload}, k.list()...)
}

// url is the run page URL, cleaned of anything a terminal would act on.
func (s *RunScreen) url() string { return Clean(s.detail.RunPageURL) }

// Update handles keys and the load.
func (s *RunScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case runDetailLoaded:
		if msg.env != s.env || msg.runID != s.run.RunID || msg.gen != s.gen {
			return s, nil
		}
		s.loaded, s.detail, s.err, s.tasks, s.viewValid = true, msg.detail, msg.err, nil, false
		s.clampScroll()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, s.keys.Copy):
			s.viewValid = false
			s.copied = s.url() != ""
			return s, copyValue("run page URL", s.url())
		case key.Matches(msg, s.keys.Reload):
			s.copied = false
			return s, s.Init()
		}
		if t := s.taskList(); t != nil && t.Update(msg) {
			s.viewValid = false
		}
	}
	return s, nil
}

// View draws the run.
func (s *RunScreen) View() string {
	if s.width <= 0 || s.height <= 0 {
		return ""
	}
	if s.c.Theme != s.viewTheme {
		s.tasks, s.viewValid, s.viewTheme = nil, false, s.c.Theme
	}
	minute := s.c.Time().Truncate(time.Minute)
	if s.viewValid && minute.Equal(s.viewMinute) {
		return s.view
	}
	t, w := s.c.Theme, s.width
	var lines []string
	line := func(segs ...relCell) { lines = append(lines, drawLine(s.c, w, segs...)) }
	name := s.run.RunName
	if s.detail.Name != "" {
		name = s.detail.Name
	}
	line(relCell{"run " + s.run.RunID, t.Title}, relCell{"  " + name, t.Base}, relCell{"  job " + s.run.JobID + "  " + s.env, t.Muted})
	switch {
	case !s.loaded:
		line(relCell{"loading the run from the workspace" + s.c.Glyphs.Ellipsis, t.Muted})
	case s.err != nil:
		lines = append(lines, errorLines(s.c, "could not load the run:", s.err, w)...)
	default:
		lines = append(lines, s.details()...)
		lines = append(lines, drawTab(s.c, s.taskTable(), s.taskList(), w, s.height-len(lines))...)
	}
	for len(lines) < s.height {
		lines = append(lines, strings.Repeat(" ", w))
	}
	s.view, s.viewValid, s.viewMinute = strings.Join(lines[:s.height], "\n"), true, minute
	return s.view
}

// details are the run's state, termination, parameters and URL (tasksShown counts them)
// and a rule.
func (s *RunScreen) details() []string {
	c, t, w, r := s.c, s.c.Theme, s.width, s.detail
	now := c.Time()
	var out []string
	line := func(segs ...relCell) { out = append(out, drawLine(c, w, segs...)) }
	st := runStatus(c, r.SystemResultState())
	took := "took " + FormatDuration(r.End.Sub(r.Start))
	if r.End.IsZero() {
		took = "running for " + FormatDuration(now.Sub(r.Start))
	}
	started := "not started"
	if !r.Start.IsZero() {
		started = "started " + clockText(now, r.Start, true) + " (" + FormatAge(now, r.Start) + ")"
	}
	segs := []relCell{st.cell(), {"  " + started + "  " + took, t.Base}}
	if r.Trigger != "" {
		segs = append(segs, relCell{"  trigger " + r.Trigger, t.Muted})
	}
	line(segs...)
	// Termination: code and type, then the message, which may be long: two lines at most.
	term := "termination: none yet"
	if r.TerminationCode != "" {
		term = "termination: " + r.TerminationCode
		if r.TerminationType != "" {
			term += " (" + r.TerminationType + ")"
		}
	}
	style := t.Base
	if st.Word == "failed" || st.Word == "error" || st.Word == "timed out" {
		style = t.Error
	}
	msg := wrapWords(term+": "+r.StateMessage, w, c.Glyphs.Ellipsis)
	if r.StateMessage == "" {
		msg = wrapWords(term, w, c.Glyphs.Ellipsis)
	}
	for i := range 2 {
		if i < len(msg) {
			if i == 1 && len(msg) > 2 {
				msg[i] = strings.Join(msg[1:], " ")
			}
			line(relCell{msg[i], style})
		} else {
			out = append(out, strings.Repeat(" ", w))
		}
	}
	params := make([]string, 0, len(r.Parameters))
	for k, v := range r.Parameters {
		params = append(params, k+"="+v)
	}
	sort.Strings(params)
	if len(params) == 0 {
		line(relCell{"no job parameters", t.Muted})
	} else {
		line(relCell{"parameters ", t.Muted}, relCell{strings.Join(params, " "), t.Base})
	}
	switch u := s.url(); {
	case s.copied && u != "":
		out = append(out, urlLines(c, u, relCell{"  sent to the terminal's clipboard", t.Healthy}, w)...)
	case u == "":
		line(relCell{"no run page URL", t.Muted})
	default:
		out = append(out, urlLines(c, u, relCell{"  y copies it", t.Muted}, w)...)
	}
	return append(out, padCut(t.Border.Render(strings.Repeat(c.Glyphs.Rule, w)), w))
}

// taskTable lists the run's tasks in the order the workspace gives them.
func (s *RunScreen) taskTable() *relTable {
	if !s.loaded || s.err != nil {
		return nil
	}
	if s.tasks != nil {
		return s.tasks
	}
	c, now := s.c, s.c.Time()
	tb := &relTable{
		Empty: "the run has no tasks",
		Cols: []Column{
			{Title: "STATE", Min: 9},
			{Title: "TASK", Min: 12, Name: true},
			{Title: "STARTED", Priority: 2},
			{Title: "TOOK"},
			{Title: "DEPENDS ON", Max: 24, Priority: 1},
			{Title: "MESSAGE", Min: 10, Flex: true, Wrap: true},
		},
	}
	for _, k := range s.detail.Tasks {
		st := runStatus(c, k.SystemResultState())
		started := mutedCell(c, "-")
		if !k.Start.IsZero() {
			started = mutedCell(c, clockText(now, k.Start, true))
		}
		message := k.StateMessage
		if k.TerminationCode != "" && k.TerminationCode != "SUCCESS" {
			message = strings.TrimSpace(k.TerminationCode + " " + message)
		}
		tb.Rows = append(tb.Rows, relRow{Cells: []relCell{
			st.cell(), plainCell(c, k.Key), started, runTook(c, now, k.Start, k.End, k.End.IsZero()),
			mutedCell(c, strings.Join(k.DependsOn, ", ")), plainCell(c, message),
		}})
	}
	tb.Notes = [][]relCell{{{fmt.Sprintf("%d task(s)", len(s.detail.Tasks)), c.Theme.Header}}}
	s.tasks = tb
	return tb
}

// ShortHelp is what the status bar suggests.
func (s *RunScreen) ShortHelp() []key.Binding {
	if s.url() != "" {
		return []key.Binding{s.keys.Copy, s.keys.Reload}
	}
	return []key.Binding{s.keys.Reload}
}

// Status tells the root whether the run is loading or failed to load.
func (s *RunScreen) Status() Status { return Status{Loading: !s.loaded, Problem: s.err} }
