package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"
)

// How the home draws: the tabs, the summary line (or the filter being typed) and the
// table, redrawn only when something changed.

// emptyText is what the table says when it has no row to show.
func (h *home) emptyText(e *envState) string {
	switch {
	case !e.loaded && e.problem != nil:
		return fmt.Sprintf("could not load %s (r retries): %v", e.name, e.problem)
	case !e.loaded:
		return "loading " + e.name + h.c.Glyphs.Ellipsis
	case len(e.items) == 0:
		return fmt.Sprintf("no deployments in %s in the %s (:since 7d looks further back)", e.name, window(h.since))
	}
	return "no deployment matches the filter (esc clears it)"
}

// View draws the tabs, the summary (or the filter being typed) and the table.
func (h *home) View() string {
	if h.theme != h.c.Theme {
		h.theme = h.c.Theme
		h.styleInput()
		h.dirty = true
	}
	t := h.table.View()
	if !h.dirty && t == h.tableFrame {
		return h.frame
	}
	h.frame = h.tabsLine() + "\n" + h.summaryLine() + "\n" + t
	h.tableFrame, h.dirty = t, false
	return h.frame
}

func (h *home) styleInput() {
	th := h.c.Theme
	s := textinput.DefaultStyles(true)
	s.Focused.Prompt, s.Blurred.Prompt = th.Key, th.Key
	s.Focused.Text, s.Blurred.Text = th.Base, th.Base
	s.Focused.Placeholder, s.Blurred.Placeholder = th.Muted, th.Muted
	s.Focused.Suggestion, s.Blurred.Suggestion = th.Muted, th.Muted
	s.Cursor.Blink = false
	s.Cursor.Color = nil // the cursor is reverse video: visible in every theme, no colour in mono
	h.input.SetStyles(s)
}

// tabsLine: " 1 dev 237 ✗ " per environment; status by glyph, colour only on top.
func (h *home) tabsLine() string {
	th := h.c.Theme
	var b strings.Builder
	for i, e := range h.envs {
		count, glyph, tone := h.tabSummary(e)
		label := fmt.Sprintf(" %d %s %s", i+1, Clean(e.name), count)
		if i == h.active {
			b.WriteString(th.TabActive.Render(label + " " + glyph + " "))
		} else {
			b.WriteString(th.TabInactive.Render(label + " "))
			b.WriteString(tone.style(th).Render(glyph))
			b.WriteString(" ")
		}
		b.WriteString(" ")
	}
	return fitLine(b.String(), h.width, h.c.Glyphs.Ellipsis)
}

func (h *home) tabSummary(e *envState) (count, glyph string, tone Tone) {
	g := h.c.Glyphs
	switch {
	case !e.loaded && e.problem != nil:
		return "-", g.Unknown, ToneUnknown
	case !e.loaded:
		return g.Ellipsis, " ", ToneMuted
	case len(e.items) == 0:
		return "0", "-", ToneMuted
	}
	count = fmt.Sprint(len(e.items))
	if e.next != nil {
		count += "+"
	}
	return count, verdictGlyph(g, e.worst), verdictTone(e.worst)
}

// summaryLine counts what is shown and says the window, the sort and the filter.
func (h *home) summaryLine() string {
	th := h.c.Theme
	count := ""
	if e := h.activeEnv(); e != nil && e.loaded {
		more := e.moreText(h.table.Total(), h.c.Glyphs)
		switch {
		case !h.filter.Empty() && more != "":
			count = fmt.Sprintf("%d of %d deployments (%s)", h.table.Len(), h.table.Total(), more)
		case !h.filter.Empty():
			count = fmt.Sprintf("%d of %d deployments", h.table.Len(), h.table.Total())
		case more != "":
			count = more
		default:
			count = fmt.Sprintf("%d deployments", h.table.Total())
		}
	}
	if h.typing {
		right := th.Muted.Render(" " + count)
		return h.input.View() + strings.Repeat(" ", max(0, h.width-Width(h.input.View())-Width(right))) + right
	}
	parts := []string{}
	if count != "" {
		parts = append(parts, count)
	}
	if e := h.activeEnv(); e != nil && e.loaded && e.skipped.Total() > 0 {
		parts = append(parts, e.skipped.String())
	}
	parts = append(parts, window(h.since), "sort: "+h.sort.String())
	if s := h.filter.String(); s != "" {
		parts = append(parts, "filter: "+Clean(s))
	}
	if e := h.activeEnv(); e != nil {
		if s := requestStrip(h.c.Glyphs, h.states, e.name, h.c.Now()); s != "" {
			parts = append(parts, s)
		}
	}
	return th.Muted.Render(padRight(FitWith(" "+strings.Join(parts, h.c.Glyphs.Dot), h.width, h.c.Glyphs.Ellipsis), h.width))
}

// fitLine cuts a styled line to width and pads it.
func fitLine(s string, width int, ellipsis string) string {
	if Width(s) > width {
		s = ansi.Truncate(s, width, ellipsis)
	}
	return padRight(s, width)
}

// KeyMap lists the home's keys for help.
