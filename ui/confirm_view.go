package ui

import (
	"strconv"
	"strings"
)

// confirmMaxWidth is the widest a dialog box gets; narrower terminals get their width less
// a margin.
const confirmMaxWidth = 76

// boxWidth is the dialog's outer width.
func (d *Confirm) boxWidth() int { return max(24, min(confirmMaxWidth, d.width-4)) }

// innerWidth is the width inside the border and its one-cell padding.
func (d *Confirm) innerWidth() int { return d.boxWidth() - 4 }

// labelWidth is the width of the typed inputs' labels column.
func (d *Confirm) labelWidth() int {
	w := 0
	for _, f := range d.spec.Fields {
		w = max(w, Width(Clean(f.Label)))
	}
	return w
}

// View draws the box: title in the top border, the sections, the gates, the inputs, the
// buttons and the keys, cut to the height given (sections give way first).
func (d *Confirm) View() string {
	th, g := d.c.Theme, d.c.Glyphs
	iw := d.innerWidth()
	line := func(s string) string { return padCut(s, iw) }
	text := func(s string) string { return line(FitWith(s, iw, g.Ellipsis)) }

	var body []string
	for i, s := range d.spec.Sections {
		if i > 0 {
			body = append(body, line(""))
		}
		if s.Title != "" {
			body = append(body, th.Header.Render(text(s.Title)))
		}
		for _, l := range s.Lines {
			body = append(body, text("  "+l))
		}
	}

	var tail []string
	if len(d.spec.Gates) > 0 {
		if len(body) > 0 {
			tail = append(tail, line(""))
		}
		tail = append(tail, th.Header.Render(text("Gates")))
		tail = append(tail, d.gateLines(d.gateRoom())...)
	}
	tail = append(tail, d.inputLines()...)
	if t := d.base.Toggle; t != nil && t.On != nil {
		l := t.Off
		if d.on {
			l = t.OnLine
		}
		if l != "" {
			tail = append(tail, th.Warning.Render(text(g.Degraded+" "+l)))
		}
	}
	switch {
	case d.err != "":
		tail = append(tail, th.Error.Render(text(g.Failing+" "+d.err)))
	case d.spec.Disabled != "":
		tail = append(tail, th.Warning.Render(text(g.Degraded+" "+d.spec.Disabled)))
	}
	tail = append(tail, line(""), d.buttons(iw))
	d.help.Styles = helpStyles(th)
	d.help.SetWidth(iw)
	keys := d.help.ShortHelpView(d.KeyMap())
	if g.Arrow != UnicodeGlyphs.Arrow {
		keys = asciiArrows.Replace(keys)
	}
	tail = append(tail, line(keys))

	// Sections give way when the box would not fit: what is cut is said.
	room := max(0, d.height-3-len(tail)) // borders and the blank line under the title
	if len(body) > room {
		cut := len(body) - room + 1
		body = append(body[:max(0, room-1)], th.Muted.Render(text("  "+g.Ellipsis+" "+strconv.Itoa(cut)+" more lines")))
		if room == 0 {
			body = nil
		}
	}

	lines := make([]string, 0, len(body)+len(tail)+3)
	lines = append(lines, d.border(true), d.side(line("")))
	for _, l := range append(body, tail...) {
		lines = append(lines, d.side(l))
	}
	lines = append(lines, d.border(false))
	return strings.Join(lines, "\n")
}

// gateRoom is how many lines the gates may take: all of them, unless the box would not
// hold its gates, inputs and buttons (the sections give way first, down to nothing).
func (d *Confirm) gateRoom() int {
	fixed := 3 + 2 + len(d.inputLines()) + 4 // borders and blank, Gates title and blank, inputs, status, blank, buttons, keys
	if d.base.Toggle != nil {
		fixed++
	}
	return max(1, d.height-fixed)
}

// gateLines draws the gates; when more than room, the passing ones that are not notable
// fold into one line naming them, so what blocks (and what break-glass overrides) stays.
func (d *Confirm) gateLines(room int) []string {
	th, g := d.c.Theme, d.c.Glyphs
	iw := d.innerWidth()
	gates := d.spec.Gates
	var folded []string
	if len(gates) > room {
		var keep []DialogGate
		for _, gt := range gates {
			if gt.OK && !gt.Notable {
				folded = append(folded, gt.Name)
			} else {
				keep = append(keep, gt)
			}
		}
		gates = keep
	}
	nw := 0
	for _, gt := range gates {
		nw = max(nw, Width(Clean(gt.Name)))
	}
	var out []string
	if len(folded) > 0 {
		out = append(out, padCut("  "+th.Healthy.Render(g.Healthy)+" "+FitWith(strconv.Itoa(len(folded))+" pass: "+strings.Join(folded, ", "), iw-4, g.Ellipsis), iw))
	}
	for _, gt := range gates {
		glyph, st := g.Healthy, th.Healthy
		if !gt.OK {
			glyph, st = g.Failing, th.Failing
		}
		name := padRight(FitWith(gt.Name, nw, g.Ellipsis), nw)
		out = append(out, padCut("  "+st.Render(glyph)+" "+name+"  "+FitWith(gt.Detail, max(0, iw-nw-6), g.Ellipsis), iw))
	}
	return out
}

// inputLines are the typed mode's phrase and fields.
func (d *Confirm) inputLines() []string {
	if d.spec.Mode != ConfirmTyped || len(d.inputs) == 0 {
		return nil
	}
	th, g := d.c.Theme, d.c.Glyphs
	iw := d.innerWidth()
	out := []string{padCut("", iw)}
	i := 0
	if d.spec.Phrase != "" {
		out = append(out,
			padCut("Type "+th.Key.Render(FitWith(d.spec.Phrase, max(1, iw-17), g.Ellipsis))+" to confirm", iw),
			padCut("  "+d.inputs[0].View(), iw))
		i = 1
	}
	lw := d.labelWidth()
	for j, f := range d.spec.Fields {
		label := padRight(FitWith(f.Label, lw, g.Ellipsis), lw)
		if f.Required {
			label += "*"
		} else {
			label += " "
		}
		out = append(out, padCut(label+" "+d.inputs[i+j].View(), iw))
	}
	return out
}

// buttons draws Cancel and the confirming button, the focused one in brackets and the
// selection style (so it shows without colour too).
func (d *Confirm) buttons(width int) string {
	th := d.c.Theme
	confirm := Clean(d.spec.ConfirmLabel)
	if d.spec.Mode == ConfirmYesNo {
		confirm += " (y)"
	}
	draw := func(label string, focused bool) string {
		if focused {
			return th.Selected.Render("[ " + label + " ]")
		}
		return "  " + label + "  "
	}
	cancelFocused := d.spec.Mode == ConfirmYesNo || d.focus == d.cancelFocus()
	confirmFocused := d.spec.Mode == ConfirmTyped && d.focus == d.cancelFocus()+1
	row := draw("Cancel", cancelFocused) + "   " + draw(confirm, confirmFocused)
	pad := max(0, (width-Width(row))/2)
	return padCut(strings.Repeat(" ", pad)+row, width)
}

// border is the top (with the title) or bottom edge of the box.
func (d *Confirm) border(top bool) string {
	th, g := d.c.Theme, d.c.Glyphs
	bw := d.boxWidth()
	h, l, r := "─", "╭", "╮"
	if !top {
		l, r = "╰", "╯"
	}
	if g.Rule == "-" {
		h, l, r = "-", "+", "+"
	}
	if !top {
		return th.Border.Render(l + strings.Repeat(h, bw-2) + r)
	}
	title := FitWith(d.spec.Title, bw-6, g.Ellipsis)
	rest := max(0, bw-4-Width(title)-2)
	return th.Border.Render(l+h) + " " + th.Title.Render(title) + " " + th.Border.Render(strings.Repeat(h, rest)+h+r)
}

// side frames one inner line.
func (d *Confirm) side(s string) string {
	v := "│"
	if d.c.Glyphs.Rule == "-" {
		v = "|"
	}
	b := d.c.Theme.Border.Render(v)
	return b + " " + s + " " + b
}
