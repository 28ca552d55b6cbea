package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/themes"
)

// cmdline is the : command line, k9s style: it takes the status bar's place while open.
type cmdline struct {
	input  textinput.Model
	active bool
}

func newCmdline() cmdline {
	in := textinput.New()
	in.Prompt = ":"
	in.ShowSuggestions = true
	return cmdline{input: in}
}

func (c *cmdline) open(th *themes.Theme, suggestions []string) tea.Cmd {
	c.active = true
	c.style(th)
	c.input.SetValue("")
	c.input.SetSuggestions(suggestions)
	return c.input.Focus()
}

func (c *cmdline) close() {
	c.active = false
	c.input.Blur()
	c.input.SetValue("")
}

func (c *cmdline) value() string { return c.input.Value() }

func (c *cmdline) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	c.input, cmd = c.input.Update(msg)
	return cmd
}

func (c *cmdline) setWidth(w int) { c.input.SetWidth(max(1, w-3)) }

func (c *cmdline) style(th *themes.Theme) {
	if th == nil {
		return
	}
	s := textinput.DefaultStyles(true)
	s.Focused.Prompt, s.Blurred.Prompt = th.Key, th.Key
	s.Focused.Text, s.Blurred.Text = th.Base, th.Base
	s.Focused.Placeholder, s.Blurred.Placeholder = th.Muted, th.Muted
	s.Focused.Suggestion, s.Blurred.Suggestion = th.Muted, th.Muted
	s.Cursor.Blink = false
	s.Cursor.Color = nil // the cursor is reverse video: visible in every theme, no colour in mono
	c.input.SetStyles(s)
}

func (c *cmdline) view(width int, ellipsis string) string {
	return fitLine(c.input.View(), width, ellipsis)
}

// suggestions complete commands with tab: every command, and :env with each environment.
func (m *root) suggestions() []string {
	s := []string{"failing", "since 1h", "since 2h", "since 24h", "since 7d", "bundle ", "q", "help"}
	for _, e := range m.home.envs {
		s = append(s, "env "+e.name)
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
		return tea.Quit
	case "help", "h":
		m.showHelp = true
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
		m.toHome()
		m.home.SetFilterTerm("bundle", strings.ToLower(arg))
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
		m.note = Notify{Text: "showing the " + window(d) + "; reloading"}
		return m.home.SetSince(d)
	case "theme":
		return m.setTheme(arg)
	}
	return m.fail(fmt.Sprintf("unknown command :%s: try :env NAME, :bundle NAME, :failing, :since 2h, :theme NAME or :q", Clean(name)))
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
