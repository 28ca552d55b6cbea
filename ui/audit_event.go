package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// eventView is an audit row opened in full: every field of the ledger event, the request's
// versions and gates one per line, and its details as indented JSON; scrollable, every
// workspace string cleaned. It takes the body (esc closes it).
type eventView struct {
	c     *Common
	title string
	raw   []string // one per field
	lines []string // raw, wrapped to the width
	keys  TableKeys
	top   int

	width, height int
}

func newEventView(c *Common, e model.LedgerEvent) *eventView {
	return &eventView{c: c, title: string(e.Kind) + " " + e.ReleaseID, raw: eventLines(c.Glyphs, e), keys: NewTableKeys()}
}

// eventLines writes an event in full, one field per line.
func eventLines(g Glyphs, e model.LedgerEvent) []string {
	var out []string
	field := func(name, value string) {
		if strings.TrimSpace(value) != "" {
			out = append(out, fmt.Sprintf("%-12s %s", name, Clean(value)))
		}
	}
	field("event", e.EventID)
	field("kind", string(e.Kind))
	field("status", e.Status)
	field("release", e.ReleaseID)
	field("git sha", e.GitSHA)
	field("environment", e.Environment)
	field("who", e.Actor)
	field("when", e.At.UTC().Format("2006-01-02 15:04:05 MST"))
	field("ticket", e.Ticket)
	field("reason", e.Reason)
	if e.RunID != 0 {
		field("run", fmt.Sprint(e.RunID))
	}
	d := model.ParseRequestDetails(e.Details)
	field("action", string(d.Action))
	if d.From != "" || d.To != "" {
		field("versions", orDash(d.From)+" "+g.Arrow+" "+orDash(d.To))
	}
	if d.ApprovalsRequired > 0 {
		field("approvals", fmt.Sprintf("%d required", d.ApprovalsRequired))
	}
	if d.BreakGlass {
		field("break-glass", "yes: freeze or budget gates were overridden")
	}
	field("request", d.RequestID)
	if len(d.FailedResources) > 0 {
		field("failed", strings.Join(d.FailedResources, ", "))
	}
	if len(d.Gates) > 0 {
		out = append(out, "", "gates")
		for _, gt := range d.Gates {
			out = append(out, "  "+gateLine(g, gt))
		}
	}
	if strings.TrimSpace(e.Details) != "" {
		out = append(out, "", "details")
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(e.Details), "  ", "  ") == nil {
			for _, l := range strings.Split(buf.String(), "\n") {
				out = append(out, "  "+Clean(l))
			}
		} else {
			out = append(out, "  "+Clean(e.Details))
		}
	}
	return out
}

// gateLine is a gate with its status in a glyph and a word: ok, blocks, or overridden by
// break-glass, and its reason.
func gateLine(g Glyphs, gt model.Gate) string {
	switch {
	case gt.Overridden:
		return fmt.Sprintf("%s %s: overridden by break-glass: %s", g.Degraded, gt.Name, Clean(gt.Reason))
	case gt.OK:
		return fmt.Sprintf("%s %s: ok: %s", g.Healthy, gt.Name, Clean(gt.Reason))
	}
	return fmt.Sprintf("%s %s: blocks: %s", g.Failing, gt.Name, Clean(gt.Reason))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (v *eventView) Placement() Placement { return PlaceBody }

func (v *eventView) Result() (tea.Msg, bool) { return nil, false }

func (v *eventView) KeyMap() []key.Binding {
	return []key.Binding{v.keys.Down, v.keys.Up, v.keys.PageDown, v.keys.PageUp, v.keys.Top, v.keys.Bottom}
}

func (v *eventView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.lines = v.lines[:0]
	for _, l := range v.raw {
		body := strings.TrimLeft(l, " ")
		lead := strings.Repeat(" ", len(l)-len(body))
		cont := lead + "  "
		if lead == "" && len(l) > 13 && l[12] == ' ' {
			// A field: its name, then the value wrapped under itself.
			lead, body, cont = l[:13], l[13:], strings.Repeat(" ", 13)
		}
		parts := wrap(body, max(10, width-2-len(cont)))
		if len(parts) == 0 {
			v.lines = append(v.lines, "")
		}
		for i, w := range parts {
			if i == 0 {
				v.lines = append(v.lines, lead+w)
			} else {
				v.lines = append(v.lines, cont+w)
			}
		}
	}
	v.clamp()
}

// page is how many lines of the event show under its title.
func (v *eventView) page() int { return max(1, v.height-2) }

func (v *eventView) clamp() {
	v.top = max(0, min(v.top, len(v.lines)-v.page()))
}

// Update scrolls (clamped here, not in View).
func (v *eventView) Update(msg tea.Msg) (Overlay, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if d, top, bottom, ok := scrollBy(v.keys, k, v.page()); ok {
			switch {
			case top:
				v.top = 0
			case bottom:
				v.top = len(v.lines)
			default:
				v.top += d
			}
			v.clamp()
		}
	}
	return v, nil
}

func (v *eventView) View() string {
	th, g := v.c.Theme, v.c.Glyphs
	more := ""
	if n := len(v.lines) - v.top - v.page(); n > 0 {
		more = fmt.Sprintf("  (%d more lines: j/pgdn)", n)
	}
	out := []string{th.Title.Render(padRight(FitWith(" "+Clean(v.title), v.width, g.Ellipsis), v.width)),
		th.Muted.Render(padRight(FitWith(" esc closes"+more, v.width, g.Ellipsis), v.width))}
	end := min(len(v.lines), v.top+v.page())
	for _, l := range v.lines[v.top:end] {
		out = append(out, padRight(FitWith(" "+l, v.width, g.Ellipsis), v.width))
	}
	return fitHeight(strings.Join(out, "\n"), v.height, v.width)
}
