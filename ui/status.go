package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// statusLine is the bottom line: on the left the spinner (only while loading), the data's
// age, the user and the workspace; on the right a message, or the keys worth knowing.
// While the command line is open it takes the line (see drawOverlays).
func (m *root) statusLine() string {
	th := m.c.Theme
	st := m.topStatus()
	var left []string
	switch {
	case !st.LoadedAt.IsZero():
		left = append(left, "data "+dataAge(m.wall.Sub(st.LoadedAt))+" old")
	case st.Loading:
		left = append(left, "loading"+m.c.Glyphs.Ellipsis)
	}
	if st.Loading {
		left[0] = m.spin.View() + " " + left[0]
	}
	if m.c.Source != nil {
		if u := ShortUser(m.c.Source.User()); u != "" {
			left = append(left, Clean(u))
		}
	}
	if w := m.workspace(); w != "" {
		left = append(left, w)
	}
	leftText := " " + strings.Join(left, m.c.Glyphs.Dot)

	if m.note.Text != "" {
		note := Clean(m.note.Text) + " "
		if m.note.Err {
			note = m.c.Glyphs.Failing + " " + note
		}
		note = FitWith(note, m.width, m.c.Glyphs.Ellipsis)
		l := padRight(FitWith(leftText, max(0, m.width-Width(note)-1), m.c.Glyphs.Ellipsis), max(0, m.width-Width(note)))
		if m.note.Err {
			return th.Status.Render(l) + th.Error.Render(note)
		}
		return th.Status.Render(l + note)
	}
	// The hints may take what the left side leaves, and at least half the line.
	right := hints(m.hintKeys(), m.width-min(Width(leftText), m.width/2)-2)
	leftText = FitWith(leftText, max(0, m.width-Width(right)-1), m.c.Glyphs.Ellipsis)
	gap := max(0, m.width-Width(leftText)-Width(right))
	return th.Status.Render(leftText + strings.Repeat(" ", gap) + right)
}

// workspace is how the status bar names where the data comes from.
func (m *root) workspace() string {
	if m.o.Workspace != "" {
		return Clean(m.o.Workspace)
	}
	if m.c.Source != nil {
		return Clean(m.c.Source.Label())
	}
	return ""
}

// hintKeys are the top screen's suggested keys, then help and quit.
func (m *root) hintKeys() []key.Binding {
	var ks []key.Binding
	if sh, ok := m.top().(ShortHelper); ok {
		ks = sh.ShortHelp()
	} else if all := m.top().KeyMap(); len(all) > 0 {
		ks = all[:min(4, len(all))]
	}
	if len(m.stack) > 1 {
		ks = append(ks, m.keys.Back)
	}
	return append(ks, m.keys.Help, m.keys.Quit)
}

// hints writes "enter open  / filter  ? help" within width, dropping what does not fit
// from the end (help and quit are last but matter most, so they are kept first).
func hints(ks []key.Binding, width int) string {
	items := make([]string, 0, len(ks))
	for _, k := range ks {
		if !k.Enabled() {
			continue
		}
		h := k.Help()
		items = append(items, h.Key+" "+shortDesc(h.Desc))
	}
	if len(items) == 0 || width <= 0 {
		return ""
	}
	// Keep the last two (help, quit) when anything must go.
	for len(items) > 0 {
		s := strings.Join(items, "  ") + " "
		if Width(s) <= width {
			return s
		}
		if len(items) > 2 {
			items = append(items[:len(items)-3], items[len(items)-2:]...)
		} else {
			items = items[1:]
		}
	}
	return ""
}

// shortDesc is a help description's first word: "open", "sort".
func shortDesc(d string) string {
	if i := strings.IndexAny(d, " (:/"); i > 0 {
		d = d[:i]
	}
	return strings.TrimSpace(d)
}
