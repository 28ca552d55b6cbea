package ui

import (
	"context"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// copyChoice is one value Y offers: a name, and the value, or how to read it (a run's page
// URL comes from the workspace).
type copyChoice struct {
	What  string
	Value string
	// Read, when set, reads the value through the source; Shows says what it will be.
	Read  func(ctx context.Context, src Source) (string, error)
	Shows string
}

// copyChooser is the small box Y opens: the values of the selected row that y does not
// copy (sha, release id, deployment id, ticket, URL), each with a digit; a digit or enter
// on the highlighted one sends it to the terminal's clipboard, esc cancels.
type copyChooser struct {
	c       *Common
	choices []copyChoice
	cursor  int
	keys    copyChooserKeys
	done    bool
	result  tea.Msg
	width   int
}

type copyChooserKeys struct {
	Up, Down, Pick, Digit key.Binding
}

// newCopyChooser makes the chooser of the choices that have a value (or a way to read one).
func newCopyChooser(c *Common, choices []copyChoice) *copyChooser {
	var kept []copyChoice
	for _, ch := range choices {
		if ch.Value != "" || ch.Read != nil {
			kept = append(kept, ch)
		}
	}
	return &copyChooser{c: c, choices: kept, keys: copyChooserKeys{
		Up:    key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:  key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Pick:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "copy")),
		Digit: key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "copy that one")),
	}}
}

// openCopyChooser is the command that opens the chooser (nothing to choose: says so).
func openCopyChooser(c *Common, choices []copyChoice) tea.Cmd {
	ch := newCopyChooser(c, choices)
	if len(ch.choices) == 0 {
		return notify("nothing to copy here", true)
	}
	return Open(ch)
}

// KeyMap lists the chooser's bindings.
func (ch *copyChooser) KeyMap() []key.Binding {
	return []key.Binding{ch.keys.Digit, ch.keys.Pick, ch.keys.Up, ch.keys.Down}
}

// SetSize gives the chooser the body's width.
func (ch *copyChooser) SetSize(width, _ int) { ch.width = width }

// Result is the copy request of the value picked (a value read from the source is
// requested by the command Update returned instead).
func (ch *copyChooser) Result() (tea.Msg, bool) { return ch.result, ch.done }

// Update moves and picks.
func (ch *copyChooser) Update(msg tea.Msg) (Overlay, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return ch, nil
	}
	switch {
	case key.Matches(k, ch.keys.Up):
		ch.cursor = max(ch.cursor-1, 0)
	case key.Matches(k, ch.keys.Down):
		ch.cursor = min(ch.cursor+1, len(ch.choices)-1)
	case key.Matches(k, ch.keys.Pick):
		return ch, ch.pick(ch.cursor)
	case key.Matches(k, ch.keys.Digit):
		if i := int(k.String()[0] - '1'); i < len(ch.choices) {
			return ch, ch.pick(i)
		}
	}
	return ch, nil
}

// pick finishes with choice i: its value as the result, or the command that reads it.
func (ch *copyChooser) pick(i int) tea.Cmd {
	ch.done = true
	p := ch.choices[i]
	if p.Read != nil {
		return copyLoaded(ch.c, p.What, p.Read)
	}
	ch.result = copyRequest{What: p.What, Value: Clean(p.Value)}
	return nil
}

// View is the box: one line per value, the highlighted one in the selection style.
func (ch *copyChooser) View() string {
	c, t := ch.c, ch.c.Theme
	w := max(30, min(ch.width-4, 90))
	iw := w - 4
	nameW := 0
	for _, p := range ch.choices {
		nameW = max(nameW, Width(p.What))
	}
	var lines []string
	for i, p := range ch.choices {
		v := p.Value
		if p.Read != nil {
			v = p.Shows
		}
		label := strconv.Itoa(i+1) + " " + padRight(p.What, nameW) + "  "
		text := padCut(label+FitWith(Clean(v), max(iw-Width(label), 1), c.Glyphs.Ellipsis), iw)
		if i == ch.cursor {
			text = t.Selected.Render(text)
		}
		lines = append(lines, text)
	}
	lines = append(lines, padCut("", iw), padCut(t.Muted.Render("1-9 or enter copies with OSC 52, esc cancels"), iw))
	return boxed(c, "copy to the terminal's clipboard", w, lines)
}
