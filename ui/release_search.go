package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// The release screen's / searches the current tab's rows (every cell and tree line), as
// less and vim do: typing moves to the first match after the cursor, enter keeps the
// search, esc drops it, n and N go to the next and previous match (wrapping), on any tab.

// searchKeys are the search's bindings.
type searchKeys struct {
	Search, Next, Prev, Accept, Cancel key.Binding
}

func newSearchKeys() searchKeys {
	return searchKeys{
		Search: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search this tab")),
		Next:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		Prev:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "drop search")),
	}
}

// tabSearch is the search line's state.
type tabSearch struct {
	keys   searchKeys
	input  textinput.Model
	typing bool
	query  string // the search kept (or being typed)
	found  bool   // the last search matched a row
}

func newTabSearch() tabSearch {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "search this tab (enter keeps, esc drops; n/N next/previous)"
	return tabSearch{keys: newSearchKeys(), input: in}
}

// active reports whether the search line is shown.
func (ts *tabSearch) active() bool { return ts.typing || ts.query != "" }

// searchKey handles the search's keys; ok is false for a key it leaves to the screen.
func (s *ReleaseScreen) searchKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	ts := &s.search
	k := ts.keys
	if ts.typing {
		switch {
		case key.Matches(msg, k.Accept):
			ts.typing = false
			ts.input.Blur()
		case key.Matches(msg, k.Cancel):
			ts.typing, ts.query = false, ""
			ts.input.Blur()
			ts.input.SetValue("")
		default:
			cmd = s.searchEdit(msg)
		}
		s.viewValid = false
		s.clampScroll()
		return cmd, true
	}
	switch {
	case key.Matches(msg, k.Search):
		ts.typing = true
		ts.input.SetValue("")
		s.viewValid = false
		s.clampScroll()
		return ts.input.Focus(), true
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev):
		if ts.query == "" {
			return nil, false
		}
		dir := 1
		if key.Matches(msg, k.Prev) {
			dir = -1
		}
		if t := s.list(); t != nil {
			ts.found = t.Search(ts.query, dir)
		}
		s.viewValid = false
		return nil, true
	case key.Matches(msg, k.Cancel) && ts.query != "":
		ts.query = ""
		s.viewValid = false
		s.clampScroll()
		return nil, true
	}
	return nil, false
}

// searchEdit passes a keystroke (or a paste) to the search line and searches again from
// the cursor when the text changed.
func (s *ReleaseScreen) searchEdit(msg tea.Msg) tea.Cmd {
	ts := &s.search
	before := ts.input.Value()
	var cmd tea.Cmd
	ts.input, cmd = ts.input.Update(msg)
	if v := ts.input.Value(); v != before {
		ts.query = v
		if t := s.list(); t != nil && v != "" {
			ts.found = t.Search(v, 0)
		}
	}
	s.viewValid = false
	return cmd
}

// CapturesKey: while the search is typed every key is text; esc drops a kept search first.
func (s *ReleaseScreen) CapturesKey(k tea.KeyPressMsg) bool {
	return s.search.typing || (key.Matches(k, s.search.keys.Cancel) && s.search.query != "")
}

// searchLine is the search being typed, or the one kept and whether it matched.
func (s *ReleaseScreen) searchLine() string {
	ts := &s.search
	th := s.c.Theme
	in := ts.input
	in.SetWidth(max(1, s.width-2))
	if ts.typing {
		st := textinput.DefaultStyles(true)
		st.Focused.Prompt, st.Focused.Text, st.Focused.Placeholder = th.Key, th.Base, th.Muted
		st.Cursor.Blink, st.Cursor.Color = false, nil
		in.SetStyles(st)
		return padCut(in.View(), s.width)
	}
	what := fmt.Sprintf("/%s%sn next, N previous, esc drops", ts.query, s.c.Glyphs.Dot)
	if !ts.found {
		what = fmt.Sprintf("/%s%sno match in this tab%sesc drops", ts.query, s.c.Glyphs.Dot, s.c.Glyphs.Dot)
	}
	return drawLine(s.c, s.width, relCell{what, th.Muted})
}

// searchBindings are the search keys help lists.
func (s *ReleaseScreen) searchBindings() []key.Binding {
	k := s.search.keys
	return []key.Binding{k.Search, k.Next, k.Prev}
}
