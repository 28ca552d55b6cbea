package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Overlay is a layer the root draws over the screens: help, the command line, a
// confirmation dialog, a progress view. Overlays sit on their own stack above the screens
// (crush's dialog.Overlay):
//
//   - the top overlay owns the keys while it is open: no key reaches a screen or another
//     overlay, except ctrl+c, which always quits;
//   - esc closes the top overlay (the root calls Dismiss first when the overlay has one);
//   - every other message reaches every overlay and every screen, so a covered screen
//     still receives the answers to its loads, and overlays ignore what is not theirs;
//   - an overlay says it has finished, and with which result message, with Result; the
//     root removes it right after the Update that finished it and routes the result at
//     once, in the same Update, like any other message (ConfirmResult reaches the screen
//     that opened the dialog before the next key is read, so typing ahead is safe).
//
// Like a screen, an overlay never does I/O in Update, and draws with the theme in Common.
type Overlay interface {
	// Update handles a message: keys while the overlay is on top, and every other message.
	Update(msg tea.Msg) (Overlay, tea.Cmd)
	// View draws the overlay. A centred overlay (the default) draws its box, at most the
	// size given to SetSize; a body overlay draws the whole body; a status overlay one line.
	View() string
	// SetSize gives the overlay the area it may use: the body between the crumb line (and
	// banner) and the status bar, or the status line's width and 1.
	SetSize(width, height int)
	// KeyMap lists the overlay's bindings, for its own hints and the help.
	KeyMap() []key.Binding
	// Result reports whether the overlay has finished and should be removed, and the
	// message it finished with (nil: none).
	Result() (msg tea.Msg, done bool)
}

// Placement says where the root draws an overlay.
type Placement int

const (
	// PlaceCenter draws the overlay's box centred over the body; the screen shows around it.
	PlaceCenter Placement = iota
	// PlaceBody draws the overlay instead of the body (help).
	PlaceBody
	// PlaceStatus draws the overlay's single line instead of the status bar (the command line).
	PlaceStatus
)

// Placer is implemented by overlays not drawn centred.
type Placer interface{ Placement() Placement }

// Dismisser is implemented by overlays that have something to say when esc closes them
// (a dialog answers "cancelled"). The message is routed at once, like a Result.
type Dismisser interface{ Dismiss() tea.Msg }

// OpenOverlay asks the root to put an overlay on top of the overlay stack.
type OpenOverlay struct{ Overlay Overlay }

// Open is the command form of OpenOverlay: a screen returns it from Update to open a
// dialog (e.g. return s, Open(NewConfirm(s.c, spec))).
func Open(o Overlay) tea.Cmd { return func() tea.Msg { return OpenOverlay{Overlay: o} } }

func placement(o Overlay) Placement {
	if p, ok := o.(Placer); ok {
		return p.Placement()
	}
	return PlaceCenter
}

// topOverlay is the overlay that owns the keys, or nil.
func (m *root) topOverlay() Overlay {
	if len(m.overlays) == 0 {
		return nil
	}
	return m.overlays[len(m.overlays)-1]
}

// openOverlay puts o on top and sizes it.
func (m *root) openOverlay(o Overlay) {
	if o == nil {
		return
	}
	m.overlays = append(m.overlays, o)
	m.sizeOverlay(o)
}

// closeOverlay removes the top overlay; dismiss asks it for its cancellation result.
func (m *root) closeOverlay(dismiss bool) tea.Cmd {
	o := m.topOverlay()
	if o == nil {
		return nil
	}
	m.overlays[len(m.overlays)-1] = nil
	m.overlays = m.overlays[:len(m.overlays)-1]
	if d, ok := o.(Dismisser); ok && dismiss {
		return m.route(d.Dismiss())
	}
	return nil
}

// overlayKey gives a key to the top overlay: esc closes it, anything else is its own.
func (m *root) overlayKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.Back) {
		return m.closeOverlay(true)
	}
	i := len(m.overlays) - 1
	o, cmd := m.overlays[i].Update(msg)
	m.overlays[i] = o
	return tea.Batch(cmd, m.dropDone())
}

// updateOverlays gives a message that is not a key to every overlay.
func (m *root) updateOverlays(msg tea.Msg) tea.Cmd {
	if len(m.overlays) == 0 {
		return nil
	}
	cmds := make([]tea.Cmd, 0, len(m.overlays))
	for i, o := range m.overlays {
		var cmd tea.Cmd
		m.overlays[i], cmd = o.Update(msg)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(append(cmds, m.dropDone())...)
}

// dropDone removes the overlays that have finished and routes their results.
func (m *root) dropDone() tea.Cmd {
	var results []tea.Msg
	kept := m.overlays[:0]
	for _, o := range m.overlays {
		res, done := o.Result()
		if !done {
			kept = append(kept, o)
		} else if res != nil {
			results = append(results, res)
		}
	}
	clear(m.overlays[len(kept):])
	m.overlays = kept
	cmds := make([]tea.Cmd, 0, len(results))
	for _, r := range results {
		cmds = append(cmds, m.route(r))
	}
	return tea.Batch(cmds...)
}

// route handles a message now, as if the program had delivered it.
func (m *root) route(msg tea.Msg) tea.Cmd {
	if msg == nil {
		return nil
	}
	_, cmd := m.Update(msg)
	return cmd
}

// sizeOverlay gives an overlay its area after the current layout.
func (m *root) sizeOverlay(o Overlay) {
	if placement(o) == PlaceStatus {
		o.SetSize(m.width, 1)
		return
	}
	o.SetSize(m.width, m.bodyHeight())
}

// bodyHeight is the height between the crumb line (and banner) and the status bar.
func (m *root) bodyHeight() int {
	h := max(0, m.height-2)
	if m.banner {
		h = max(0, h-1)
	}
	return h
}

// drawOverlays draws the overlays, bottom to top, over the body and the status line.
func (m *root) drawOverlays(body, status string, bodyH int) (string, string) {
	for _, o := range m.overlays {
		switch placement(o) {
		case PlaceBody:
			body = o.View()
		case PlaceStatus:
			status = fitLine(o.View(), m.width, m.c.Glyphs.Ellipsis)
		default:
			body = placeCentred(fitHeight(body, bodyH, m.width), o.View(), m.width, bodyH)
		}
	}
	return body, status
}

// placeCentred splices box over the middle of body (height lines of width cells): the
// body's cells left and right of the box stay as they were, styles included.
func placeCentred(body, box string, width, height int) string {
	lines := strings.Split(body, "\n")
	boxLines := strings.Split(box, "\n")
	bw := 0
	for _, l := range boxLines {
		bw = max(bw, Width(l))
	}
	bw = min(bw, width)
	boxLines = boxLines[:min(len(boxLines), height)]
	x := (width - bw) / 2
	y := (height - len(boxLines)) / 2
	for i, bl := range boxLines {
		row := y + i
		if row < 0 || row >= len(lines) {
			continue
		}
		line := padCut(lines[row], width)
		left := ansi.Truncate(line, x, "")
		right := ansi.TruncateLeft(line, x+bw, "")
		lines[row] = left + resetIfStyled(left) + padCut(bl, bw) + resetIfStyled(bl) + right
	}
	return strings.Join(lines, "\n")
}

// resetIfStyled ends the styles a cut piece of a line may leave open.
func resetIfStyled(s string) string {
	if strings.IndexByte(s, 0x1b) < 0 {
		return ""
	}
	return ansi.ResetStyle
}
