package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/themes"
)

// cmdline is the : command line, k9s style: an overlay that takes the status bar's line
// while open. enter finishes it with the line typed (commandEntered); esc closes it.
type cmdline struct {
	c     *Common
	input textinput.Model
	run   key.Binding
	done  bool
	line  string
}

// commandEntered is the command line's result: the line to execute.
type commandEntered struct{ line string }

func newCmdline(c *Common, suggestions []string) (*cmdline, tea.Cmd) {
	in := textinput.New()
	in.Prompt = ":"
	in.ShowSuggestions = true
	in.SetStyles(inputStyles(c.Theme))
	in.SetSuggestions(suggestions)
	l := &cmdline{c: c, input: in, run: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run command"))}
	return l, l.input.Focus()
}

// Placement: the command line replaces the status bar.
func (l *cmdline) Placement() Placement { return PlaceStatus }

// Result is the line typed, once enter ran it.
func (l *cmdline) Result() (tea.Msg, bool) {
	if !l.done {
		return nil, false
	}
	return commandEntered{line: l.line}, true
}

// KeyMap: enter runs the command, tab completes.
func (l *cmdline) KeyMap() []key.Binding {
	complete := l.input.KeyMap.AcceptSuggestion
	complete.SetHelp("tab", "complete")
	return []key.Binding{l.run, complete}
}

// SetSize gives the line its width.
func (l *cmdline) SetSize(width, _ int) { l.input.SetWidth(max(1, width-3)) }

// Update edits the line; enter finishes it with commandEntered.
func (l *cmdline) Update(msg tea.Msg) (Overlay, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, l.run) {
		l.done, l.line = true, l.input.Value()
		return l, nil
	}
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	return l, cmd
}

// View is the line as typed.
func (l *cmdline) View() string { return l.input.View() }

// inputStyles are the theme's styles for a text input: the command line and dialog fields.
func inputStyles(th *themes.Theme) textinput.Styles {
	s := textinput.DefaultStyles(true)
	if th == nil {
		return s
	}
	s.Focused.Prompt, s.Blurred.Prompt = th.Key, th.Key
	s.Focused.Text, s.Blurred.Text = th.Base, th.Base
	s.Focused.Placeholder, s.Blurred.Placeholder = th.Muted, th.Muted
	s.Focused.Suggestion, s.Blurred.Suggestion = th.Muted, th.Muted
	s.Cursor.Blink = false
	s.Cursor.Color = nil // the cursor is reverse video: visible in every theme, no colour in mono
	return s
}

// openCmdline opens the command line.
func (m *root) openCmdline() tea.Cmd {
	l, cmd := newCmdline(m.c, m.suggestions())
	m.openOverlay(l)
	return cmd
}

// cmdlineOpen reports whether the command line is on top.
func (m *root) cmdlineOpen() bool {
	_, ok := m.topOverlay().(*cmdline)
	return ok
}

// suggestions complete commands with tab: every command, and :env with each environment.
func (m *root) suggestions() []string {
	s := []string{"failing", "since 1h", "since 2h", "since 24h", "since 7d", "bundle ", "board", "audit", "q", "help"}
	for _, e := range m.home.envs {
		s = append(s, "env "+e.name, "audit "+e.name)
	}
	for _, n := range themes.Names() {
		s = append(s, "theme "+n)
	}
	return s
}

// execute runs a command line. Commands about the deployments list go back to the home
// first. A mistake is one line in the status bar that says what would work.
func (m *root) execute(line string) tea.Cmd {
	fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), ":"))
	if len(fields) == 0 {
		return nil
	}
	name, args := strings.ToLower(fields[0]), fields[1:]
	arg := strings.Join(args, " ")
	m.log.Debug("command", "line", line)
	switch name {
	case "q", "q!", "quit", "exit":
		return m.quit()
	case "help", "h":
		m.openHelp()
		return nil
	case "env", "e", "ctx":
		if arg == "" {
			return m.fail(":env needs an environment, e.g. :env prod")
		}
		if err := m.home.SetEnv(arg); err != nil {
			return m.fail(err.Error())
		}
		m.toHome()
		return nil
	case "bundle", "b":
		// The bundle replaces the whole filter (:bundle alone clears it): a bundle asked
		// for by name is the question now, not a narrowing of the last one.
		m.toHome()
		m.home.setFilter(withTerm("", "bundle", strings.ToLower(arg)))
		return nil
	case "failing", "fail":
		m.toHome()
		m.home.SetFilterTerm("status", "failing")
		return nil
	case "since":
		d, err := parseSince(arg)
		if err != nil {
			return m.fail(err.Error())
		}
		m.toHome()
		order := windowSort(d)
		m.home.setSort(order)
		// The notice lasts while the load does (afterUpdate clears it).
		m.note = Notify{Text: "showing the " + window(d) + ", " + order.describe() + "; reloading", UntilLoaded: true}
		return m.home.SetSince(d)
	case "theme":
		return m.setTheme(arg)
	case "board":
		return m.openBoard()
	case "audit":
		return m.openAudit(arg)
	}
	return m.fail(fmt.Sprintf("unknown command :%s: try :env NAME, :bundle NAME, :failing, :since 2h, :board, :audit [ENV], :theme NAME or :q", Clean(name)))
}

// fail shows a command's mistake in the status bar.
func (m *root) fail(text string) tea.Cmd {
	m.note = Notify{Text: text, Err: true}
	return nil
}

// parseSince reads :since's argument: 90m, 2h, 7d; 0 or all for everything.
func parseSince(s string) (time.Duration, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return 0, fmt.Errorf(":since needs a duration, e.g. :since 2h (0 for all)")
	case "0", "all":
		return 0, nil
	}
	d, err := config.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf(":since %s: use forms like 90m, 2h or 7d (0 for all)", Clean(s))
	}
	return d, nil
}

// windowSort is the order a window lists in: triage order (the status column: failing and
// provisional first) for a day or less, newest first (the age column) for a longer window
// or all of it, where triage order would put last week's failures above this morning's
// deployments.
func windowSort(d time.Duration) sortMode {
	if d <= 0 || d > 24*time.Hour {
		return sortMode{col: colAge}
	}
	return sortMode{col: colStatus}
}

// describe says the order in a notice: "newest first", "triage order".
func (s sortMode) describe() string {
	if s == (sortMode{col: colAge}) {
		return "newest first"
	}
	return s.String() + " order"
}
