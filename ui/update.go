package ui

import (
	"context"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// updateDetailLoaded is the result of reading a pipeline update from the workspace.
type updateDetailLoaded struct {
	env, updateID string
	gen           int
	detail        domain.UpdateDetail
	err           error
}

// updateKeys are the update screen's bindings.
type updateKeys struct {
	TableKeys
	Copy, Reload key.Binding
}

// UpdateScreen is one pipeline update, opened from a release's Runs tab: its state and
// cause, why it failed, its expectation results worst first, the errors and warnings of its
// flows from the event log, its flows, and its URL (y copies it with OSC 52).
type UpdateScreen struct {
	c    *Common
	env  string
	u    domain.PipelineUpdate
	keys updateKeys

	gen    int
	loaded bool
	detail domain.UpdateDetail
	err    error
	copied bool // y sent the URL to the terminal's clipboard

	body      []string // the drawn lines below the header, for bodyWidth
	bodyWidth int
	bodyTheme *themes.Theme
	offset    int // the first body line shown

	width, height int
}

// NewUpdateScreen opens a pipeline update of env; it loads on Init.
func NewUpdateScreen(c *Common, env string, u domain.PipelineUpdate) Screen {
	return &UpdateScreen{c: c, env: env, u: u, keys: updateKeys{
		TableKeys: NewTableKeys(),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy update URL")),
		Reload:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
	}}
}

// Init reads the update and its event log.
func (s *UpdateScreen) Init() tea.Cmd {
	s.gen++
	s.loaded, s.err, s.body, s.copied, s.offset = false, nil, nil, false, 0
	return loadUpdate(s.c, s.env, s.u, s.gen)
}

// loadUpdate reads an update through the source, within the timeout.
func loadUpdate(c *Common, env string, u domain.PipelineUpdate, gen int) tea.Cmd {
	return loadCmd(c, func(ctx context.Context, src Source) tea.Msg {
		d, err := src.Update(ctx, env, u.PipelineID, u.UpdateID)
		return updateDetailLoaded{env: env, updateID: u.UpdateID, gen: gen, detail: d, err: err}
	})
}

// Crumb is the update's short id.
func (s *UpdateScreen) Crumb() string { return "update " + Clean(shortID(s.u.UpdateID)) }

// SetSize gives the screen its area.
func (s *UpdateScreen) SetSize(width, height int) {
	if width != s.width || height != s.height {
		s.width, s.height = width, height
		s.clampScroll()
	}
}

// url is the update's URL, cleaned of anything a terminal would act on.
func (s *UpdateScreen) url() string { return Clean(s.detail.URL) }

// KeyMap lists the bindings; y only once there is a URL to copy.
func (s *UpdateScreen) KeyMap() []key.Binding {
	k := s.keys
	k.Copy.SetEnabled(s.url() != "")
	return append([]key.Binding{k.Copy, k.Reload}, k.list()...)
}

// ShortHelp is what the status bar suggests.
func (s *UpdateScreen) ShortHelp() []key.Binding {
	if s.url() != "" {
		return []key.Binding{s.keys.Copy, s.keys.Reload}
	}
	return []key.Binding{s.keys.Reload}
}

// Status tells the root whether the update is loading or failed to load.
func (s *UpdateScreen) Status() Status { return Status{Loading: !s.loaded, Problem: s.err} }

// Update handles keys and the load.
func (s *UpdateScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case updateDetailLoaded:
		if msg.env != s.env || msg.updateID != s.u.UpdateID || msg.gen != s.gen {
			return s, nil
		}
		s.loaded, s.detail, s.err, s.body = true, msg.detail, msg.err, nil
		s.clampScroll()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, s.keys.Copy):
			u := s.url()
			s.copied = u != ""
			return s, copyValue("update URL", u)
		case key.Matches(msg, s.keys.Reload):
			return s, s.Init()
		}
		if lines := s.lines(); lines != nil {
			page := s.bodyShown(len(lines))
			if delta, top, bottom, ok := scrollBy(s.keys.TableKeys, msg, page); ok {
				switch {
				case top:
					s.offset = 0
				case bottom:
					s.offset = len(lines)
				default:
					s.offset += delta
				}
				s.clampScroll()
			}
		}
	}
	return s, nil
}

// clampScroll keeps the body's position inside its lines and the screen.
func (s *UpdateScreen) clampScroll() {
	if lines := s.lines(); lines != nil && s.height > 0 {
		s.offset = max(0, min(s.offset, len(lines)-s.bodyShown(len(lines))))
	}
}

// bodyShown is how many of n body lines fit below the header (one less when a line says
// which are shown).
func (s *UpdateScreen) bodyShown(n int) int {
	h := s.height - len(s.header())
	if n > h {
		h--
	}
	return max(h, 1)
}

// lines are the body's drawn lines at the screen's width, built once per width and theme
// (and again after a load or a copy); nil until the update has loaded.
func (s *UpdateScreen) lines() []string {
	if !s.loaded || s.err != nil || s.width <= 0 {
		return nil
	}
	if s.body == nil || s.bodyWidth != s.width || s.bodyTheme != s.c.Theme {
		s.body, s.bodyWidth, s.bodyTheme = updateBody(s.c, s.detail, s.width), s.width, s.c.Theme
	}
	return s.body
}

// View draws the header and the visible part of the body.
func (s *UpdateScreen) View() string {
	if s.width <= 0 || s.height <= 0 {
		return ""
	}
	lines := s.header()
	switch {
	case !s.loaded:
		lines = append(lines, drawLine(s.c, s.width, relCell{"loading the update and its event log from the workspace" + s.c.Glyphs.Ellipsis, s.c.Theme.Muted}))
	case s.err != nil:
		lines = append(lines, errorLines(s.c, "could not load the update:", s.err, s.width)...)
	default:
		body := s.lines()
		page := s.bodyShown(len(body))
		from := max(0, min(s.offset, len(body)-page))
		end := min(from+page, len(body))
		lines = append(lines, body[from:end]...)
		if len(body) > page {
			lines = append(lines, drawLine(s.c, s.width, relCell{positionText(from+1, end, len(body)) + "  (j/k scroll)", s.c.Theme.Muted}))
		}
	}
	for len(lines) < s.height {
		lines = append(lines, strings.Repeat(" ", s.width))
	}
	return strings.Join(lines[:s.height], "\n")
}

// positionText says which lines of how many are shown: "1-12 of 40".
func positionText(from, to, n int) string {
	return strconv.Itoa(from) + "-" + strconv.Itoa(to) + " of " + strconv.Itoa(n)
}

// header is the update's name line, its state line, its URL line and a rule.
func (s *UpdateScreen) header() []string {
	c, t, w, d := s.c, s.c.Theme, s.width, s.detail
	now := c.Time()
	var out []string
	line := func(segs ...relCell) { out = append(out, drawLine(c, w, segs...)) }
	name := s.u.Name
	if d.PipelineName != "" {
		name = d.PipelineName
	}
	if name == "" {
		name = "pipeline " + shortID(s.u.PipelineID)
	}
	kind := s.u.UpdateType
	line(relCell{"update " + shortID(s.u.UpdateID), t.Title}, relCell{"  " + name, t.Base}, relCell{"  " + kind + "  " + s.env, t.Muted})
	if !s.loaded || s.err != nil {
		return out
	}
	st := updateStatus(c, d.SystemResultState())
	start := d.Created
	if start.IsZero() {
		start = s.u.Start
	}
	took := "running for " + FormatDuration(now.Sub(start))
	if !d.Ended.IsZero() {
		took = "took " + FormatDuration(d.Ended.Sub(start))
	}
	segs := []relCell{st.cell(), {"  started " + clockText(now, start, true) + " (" + FormatAge(now, start) + ")  " + took, t.Base}}
	if d.Cause != "" {
		segs = append(segs, relCell{"  cause " + d.Cause, t.Muted})
	}
	if d.FullRefresh {
		segs = append(segs, relCell{"  full refresh", t.Muted})
	}
	line(segs...)
	switch u := s.url(); {
	case u == "":
		line(relCell{"no update URL", t.Muted})
	case s.copied:
		out = append(out, urlLines(c, u, relCell{"  sent to the terminal's clipboard", t.Healthy}, w)...)
	default:
		out = append(out, urlLines(c, u, relCell{"  y copies it", t.Muted}, w)...)
	}
	return append(out, padCut(t.Border.Render(strings.Repeat(c.Glyphs.Rule, w)), w))
}
