package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// ConfirmMode is how a confirmation dialog is answered.
type ConfirmMode int

const (
	// ConfirmYesNo: y confirms, any other key cancels (enter too: the default is Cancel).
	ConfirmYesNo ConfirmMode = iota
	// ConfirmTyped: the Phrase must be typed exactly and the required Fields filled in,
	// then the confirm button pressed; tab moves between inputs and buttons.
	ConfirmTyped
)

// DialogSection is a titled block of lines in a dialog's body ("Release", "Resources",
// "Call"). Lines are workspace text: they are cleaned and cut to the box.
type DialogSection struct {
	Title string
	Lines []string
}

// DialogGate is one gate line: its name, whether it passes, and what it found or why it
// blocks ("2 of 2 approvals", "prod frozen until 18:00 UTC").
type DialogGate struct {
	Name   string
	OK     bool
	Detail string
	// Notable: a passing gate worth keeping in sight (overridden by break-glass, break-glass
	// itself, a retry's attempt); a box too short for every gate folds the other passing
	// ones into one line.
	Notable bool
}

// DialogField is an extra text input of a typed dialog (reason, ticket).
type DialogField struct {
	Key         string // names the value in ConfirmResult.Values
	Label       string // shown before the input ("Reason")
	Placeholder string
	Required    bool // confirming with it empty is refused
}

// ConfirmSpec describes a confirmation dialog.
type ConfirmSpec struct {
	// ID names the dialog in its result, so the screen that opened it knows what was answered.
	ID       string
	Title    string
	Sections []DialogSection
	Gates    []DialogGate
	Mode     ConfirmMode
	// Phrase is what ConfirmTyped requires typed exactly ("prod/ecommerce_orders").
	Phrase string
	// Fields are ConfirmTyped's extra inputs, in order; ConfirmYesNo ignores them.
	Fields []DialogField
	// ConfirmLabel names the confirming button ("Promote"); default "Confirm".
	ConfirmLabel string
	// Disabled, when set, says why confirming is not possible now (a gate blocks); the
	// dialog still shows everything, and confirming only repeats the reason.
	Disabled string
	// Payload is handed back in the result untouched (the request the dialog is about).
	Payload any
	// Toggle, when set, is a key that switches the dialog to another spec and back
	// (break-glass): the typed values are kept, the result says which one was confirmed.
	Toggle *DialogToggle
}

// DialogToggle switches a dialog between its spec and On (the Toggle of On is ignored).
type DialogToggle struct {
	Key  string // the key, shown in the dialog's help ("ctrl+g")
	Help string // what it does, for help ("break glass")
	// Off is the line shown while the toggle is off (what the key offers), OnLine while on.
	Off, OnLine string
	On          *ConfirmSpec
}

// ConfirmResult is a confirmation dialog's answer, routed to every screen when it closes
// (by its buttons, y, any other key in y/N mode, or esc).
type ConfirmResult struct {
	ID        string
	Confirmed bool
	// Values are the typed fields by key, trimmed (ConfirmTyped only).
	Values  map[string]string
	Payload any
	// Toggled: the dialog was answered with its toggle on (ConfirmSpec.Toggle.On).
	Toggled bool
}

// confirmKeys are the dialog's bindings; help is generated from the ones in force.
type confirmKeys struct {
	Yes, No                   key.Binding // y/N mode
	Next, Prev, Switch, Press key.Binding // typed mode
	Cancel                    key.Binding
	Toggle                    key.Binding // the spec's toggle, when it has one
}

// Confirm is the reusable confirmation dialog: a centred box with a title, sections, gate
// lines, the inputs of a typed confirmation and the buttons, Cancel first and focused.
// Action dialogs are built from a ConfirmSpec; it implements Overlay.
type Confirm struct {
	c    *Common
	spec ConfirmSpec // in force: base, or base.Toggle.On when toggled
	base ConfirmSpec
	on   bool // toggled
	keys confirmKeys
	help help.Model

	inputs []textinput.Model // the phrase (when typed), then the fields
	focus  int               // 0..len(inputs)-1 an input; len(inputs) Cancel; +1 Confirm
	err    string            // why the last confirm was refused
	done   bool
	result ConfirmResult

	width, height int
}

// NewConfirm makes a confirmation dialog; open it with Open(NewConfirm(c, spec)).
func NewConfirm(c *Common, spec ConfirmSpec) *Confirm {
	if spec.ConfirmLabel == "" {
		spec.ConfirmLabel = "Confirm"
	}
	label := strings.ToLower(spec.ConfirmLabel)
	d := &Confirm{c: c, spec: spec, base: spec, help: help.New(), keys: confirmKeys{
		Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", label)),
		No:     key.NewBinding(key.WithKeys("n"), key.WithHelp("any other key", "cancel")),
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/shift+tab", "move")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "move back")),
		Switch: key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "button")),
		Press:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "press")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}}
	d.help.Ellipsis = c.Glyphs.Ellipsis
	if t := spec.Toggle; t != nil && t.On != nil {
		d.keys.Toggle = key.NewBinding(key.WithKeys(t.Key), key.WithHelp(t.Key, t.Help))
	}
	d.makeInputs(nil)
	return d
}

// makeInputs makes the typed mode's inputs of the spec in force, filled with the values
// given (by "phrase" and field key), the first one focused.
func (d *Confirm) makeInputs(values map[string]string) {
	spec := d.spec
	d.inputs, d.focus = nil, 0 // Cancel in y/N mode
	if spec.Mode != ConfirmTyped {
		return
	}
	if spec.Phrase != "" {
		in := d.newInput("type " + spec.Phrase)
		in.SetValue(values["phrase"])
		d.inputs = append(d.inputs, in)
	}
	for _, f := range spec.Fields {
		in := d.newInput(f.Placeholder)
		in.SetValue(values[f.Key])
		d.inputs = append(d.inputs, in)
	}
	if len(d.inputs) > 0 {
		d.inputs[0].Focus()
	}
}

// values are the typed inputs by "phrase" and field key.
func (d *Confirm) values() map[string]string {
	out := map[string]string{}
	if d.spec.Mode != ConfirmTyped {
		return out
	}
	off := len(d.inputs) - len(d.spec.Fields)
	if d.spec.Phrase != "" && off > 0 {
		out["phrase"] = d.inputs[0].Value()
	}
	for i, f := range d.spec.Fields {
		out[f.Key] = d.inputs[off+i].Value()
	}
	return out
}

// toggle switches between the spec and its toggle's, keeping what was typed.
func (d *Confirm) toggle() {
	vals := d.values()
	d.on = !d.on
	d.spec = d.base
	if d.on {
		d.spec = *d.base.Toggle.On
		d.spec.Toggle = d.base.Toggle
	}
	if d.spec.ConfirmLabel == "" {
		d.spec.ConfirmLabel = "Confirm"
	}
	d.err = ""
	focus := d.focus
	d.makeInputs(vals)
	if d.spec.Mode == ConfirmTyped {
		d.setFocus(min(focus, len(d.inputs)+1)) // where it was: the same input or button
	}
	d.SetSize(d.width, d.height)
}

// Toggled reports whether the dialog's toggle is on.
func (d *Confirm) Toggled() bool { return d.on }

func (d *Confirm) newInput(placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	in.SetStyles(inputStyles(d.c.Theme))
	return in
}

// cancelFocus is the index of the Cancel button.
func (d *Confirm) cancelFocus() int { return len(d.inputs) }

// Result is the answer once the dialog has closed itself.
func (d *Confirm) Result() (tea.Msg, bool) {
	if !d.done {
		return nil, false
	}
	return d.result, true
}

// Dismiss is the answer when esc closes the dialog: cancelled.
func (d *Confirm) Dismiss() tea.Msg { return d.answer(false) }

// Focused reports which input has the keys ("" for a button): the phrase is "phrase",
// a field its Key.
func (d *Confirm) Focused() string {
	i := d.focus
	if d.spec.Mode != ConfirmTyped || i >= len(d.inputs) {
		return ""
	}
	if d.spec.Phrase != "" {
		if i == 0 {
			return "phrase"
		}
		i--
	}
	return d.spec.Fields[i].Key
}

// KeyMap lists the keys in force in the dialog's mode (Next's help names Prev's key too).
func (d *Confirm) KeyMap() []key.Binding {
	k := d.keys
	var out []key.Binding
	if d.base.Toggle != nil && d.base.Toggle.On != nil {
		// First, so that a narrow box never cuts it.
		out = append(out, k.Toggle)
	}
	if d.spec.Mode == ConfirmYesNo {
		return append(out, k.Yes, k.No)
	}
	return append(out, k.Next, k.Press, k.Switch, k.Cancel)
}

// SetSize gives the dialog the body it is centred over.
func (d *Confirm) SetSize(width, height int) {
	d.width, d.height = width, height
	for i := range d.inputs {
		d.inputs[i].SetWidth(max(1, d.innerWidth()-d.labelWidth()-4))
	}
}

// Update answers keys; other messages are not the dialog's.
func (d *Confirm) Update(msg tea.Msg) (Overlay, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if d.base.Toggle != nil && d.base.Toggle.On != nil && key.Matches(msg, d.keys.Toggle) {
			d.toggle()
			return d, nil
		}
		if d.spec.Mode == ConfirmYesNo {
			if key.Matches(msg, d.keys.Yes) {
				d.confirm()
			} else {
				d.finish(false)
			}
			return d, nil
		}
		return d, d.typedKey(msg)
	case tea.PasteMsg:
		if d.focus < len(d.inputs) {
			var cmd tea.Cmd
			d.inputs[d.focus], cmd = d.inputs[d.focus].Update(msg)
			return d, cmd
		}
	}
	return d, nil
}

// typedKey moves between the inputs and the buttons, presses buttons, and types.
func (d *Confirm) typedKey(msg tea.KeyPressMsg) tea.Cmd {
	onButton := d.focus >= len(d.inputs)
	switch {
	case key.Matches(msg, d.keys.Next):
		return d.setFocus(d.focus + 1)
	case key.Matches(msg, d.keys.Prev):
		return d.setFocus(d.focus - 1)
	case onButton && key.Matches(msg, d.keys.Switch):
		if d.focus == d.cancelFocus() {
			return d.setFocus(d.focus + 1)
		}
		return d.setFocus(d.cancelFocus())
	case key.Matches(msg, d.keys.Press):
		switch {
		case !onButton:
			return d.setFocus(d.focus + 1)
		case d.focus == d.cancelFocus():
			d.finish(false)
		default:
			return d.confirm()
		}
		return nil
	case onButton:
		return nil
	}
	d.err = ""
	var cmd tea.Cmd
	d.inputs[d.focus], cmd = d.inputs[d.focus].Update(msg)
	return cmd
}

// setFocus moves the focus, wrapping around the inputs and the two buttons.
func (d *Confirm) setFocus(i int) tea.Cmd {
	n := len(d.inputs) + 2
	d.focus = (i%n + n) % n
	var cmd tea.Cmd
	for j := range d.inputs {
		if j == d.focus {
			cmd = d.inputs[j].Focus()
		} else {
			d.inputs[j].Blur()
		}
	}
	return cmd
}

// confirm finishes the dialog confirmed if everything asked for is there; otherwise it
// says what is missing and moves to it.
func (d *Confirm) confirm() tea.Cmd {
	if d.spec.Disabled != "" {
		d.err = d.spec.Disabled
		return nil
	}
	if d.spec.Mode == ConfirmTyped {
		i := 0
		if d.spec.Phrase != "" {
			if d.inputs[0].Value() != d.spec.Phrase {
				d.err = "type " + d.spec.Phrase + " exactly to confirm"
				return d.setFocus(0)
			}
			i = 1
		}
		for j, f := range d.spec.Fields {
			if f.Required && strings.TrimSpace(d.inputs[i+j].Value()) == "" {
				d.err = f.Label + " is required"
				return d.setFocus(i + j)
			}
		}
	}
	d.finish(true)
	return nil
}

func (d *Confirm) finish(confirmed bool) {
	d.done = true
	d.result = d.answer(confirmed)
}

// answer is the result with the fields' values.
func (d *Confirm) answer(confirmed bool) ConfirmResult {
	r := ConfirmResult{ID: d.base.ID, Confirmed: confirmed, Payload: d.base.Payload, Toggled: d.on}
	if d.spec.Mode == ConfirmTyped && len(d.spec.Fields) > 0 {
		r.Values = map[string]string{}
		vals := d.values()
		for _, f := range d.spec.Fields {
			r.Values[f.Key] = strings.TrimSpace(vals[f.Key])
		}
	}
	return r
}
