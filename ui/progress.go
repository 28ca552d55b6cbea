package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// progressTick redraws a running action's elapsed time (tea.Tick's time reaches Update).
type progressTick struct {
	id int64
	at time.Time
}

// progress follows an executed action: the deployer run's states, the task running, the
// elapsed time (counted from tick messages), the run's URL; it ends with success or failure
// and then closes on any key. esc hides it while the run goes on (the action continues and
// the screens reload when it ends).
type progress struct {
	c     *Common
	id    int64
	title string

	started time.Time // the first tick's time
	now     time.Time
	states  []string // the run states seen, in order
	last    model.ActionProgress
	ended   bool
	out     model.ActionOutcome
	err     error
	closed  bool

	close key.Binding
	width int
}

func newProgress(c *Common, id int64, title string) *progress {
	return &progress{c: c, id: id, title: title,
		close: key.NewBinding(key.WithKeys("enter"), key.WithHelp("any key", "close (esc hides it while it runs)"))}
}

// tick asks for the next second.
func (p *progress) tick() tea.Cmd {
	id := p.id
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return progressTick{id: id, at: t} })
}

// Update takes the run's observations, its end and the ticks; a key after the end closes.
func (p *progress) Update(msg tea.Msg) (Overlay, tea.Cmd) {
	switch m := msg.(type) {
	case progressTick:
		if m.id != p.id {
			return p, nil
		}
		if p.started.IsZero() {
			p.started = m.at
		}
		p.now = m.at
		if p.ended {
			return p, nil
		}
		return p, p.tick()
	case execProgress:
		if m.id == p.id {
			url := p.last.RunURL
			p.last = m.p
			if p.last.RunURL == "" {
				p.last.RunURL = url
			}
			if st := m.p.State; st != "" && (len(p.states) == 0 || p.states[len(p.states)-1] != st) {
				p.states = append(p.states, st)
			}
		}
	case execFinished:
		if m.id == p.id {
			p.ended, p.out, p.err = true, m.out, m.err
			if m.out.RunURL != "" {
				p.last.RunURL = m.out.RunURL
			}
		}
	case tea.KeyPressMsg:
		if p.ended {
			p.closed = true
		}
	}
	return p, nil
}

// Result: the overlay closes on a key once the action has ended.
func (p *progress) Result() (tea.Msg, bool) { return nil, p.closed }

func (p *progress) KeyMap() []key.Binding { return []key.Binding{p.close} }

func (p *progress) SetSize(width, _ int) { p.width = width }

// elapsed is the time since the first tick, or the run's own count when it is larger.
func (p *progress) elapsed() time.Duration {
	d := time.Duration(0)
	if !p.started.IsZero() {
		d = p.now.Sub(p.started)
	}
	return max(d, p.last.Elapsed).Truncate(time.Second)
}

// maxFailureLines bounds the lines a failure's message wraps over in the box.
const maxFailureLines = 6

// View draws the box: the title, the request and run, the states seen, the elapsed time,
// the run URL, and how it ended.
func (p *progress) View() string {
	th, g := p.c.Theme, p.c.Glyphs
	w := max(24, min(76, p.width-4))
	iw := w - 4
	text := func(s string) string { return padCut(FitWith(s, iw, g.Ellipsis), iw) }
	var lines []string
	if p.last.RequestID != "" || p.out.RequestID != "" {
		lines = append(lines, text("request "+Clean(firstNonEmpty(p.last.RequestID, p.out.RequestID))))
	}
	if run := max(p.last.RunID, p.out.RunID); run != 0 {
		lines = append(lines, text(fmt.Sprintf("run     %d", run)))
	}
	states := strings.Join(p.states, " "+g.Arrow+" ")
	if states == "" {
		states = "asking the deployer job to run" + g.Ellipsis
	}
	lines = append(lines, text("states  "+Clean(states)))
	if p.last.Task != "" && !p.ended {
		lines = append(lines, text("task    "+Clean(p.last.Task)))
	}
	lines = append(lines, text("elapsed "+p.elapsed().String()))
	if u := p.last.RunURL; u != "" {
		lines = append(lines, text("url     "+Clean(u)))
	}
	lines = append(lines, text(""))
	switch {
	case !p.ended:
		lines = append(lines, th.Muted.Render(text(g.Provisional+" running"+g.Ellipsis+" (esc hides this; the action goes on)")))
	case p.err != nil:
		// Wrapped, not cut: a failed deploy says which resources failed and the request.
		msg := wrapWords(g.Failing+" failed: "+p.err.Error(), iw, g.Ellipsis)
		if len(msg) > maxFailureLines {
			msg = append(msg[:maxFailureLines-1], msg[maxFailureLines-1]+g.Ellipsis)
		}
		for _, l := range msg {
			lines = append(lines, th.Error.Render(text(l)))
		}
		if p.out.State == "failed" {
			lines = append(lines, th.Muted.Render(text("any key closes; then R retries it (a new attempt, gates judged again)")))
		} else {
			lines = append(lines, th.Muted.Render(text("any key closes")))
		}
	default:
		word := p.out.State
		if word == "" {
			word = "done"
		}
		msg := g.Healthy + " " + strings.ReplaceAll(word, "_", " ")
		if p.out.Message != "" {
			msg += ": " + p.out.Message
		}
		lines = append(lines, th.Healthy.Render(text(Clean(msg))))
		lines = append(lines, th.Muted.Render(text("any key closes")))
	}
	return boxed(p.c, p.title, w, lines)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// boxed frames lines (each iw = w-4 cells) in a titled border, as the dialogs are.
func boxed(c *Common, title string, w int, lines []string) string {
	th, g := c.Theme, c.Glyphs
	h, v, tl, tr, bl, br := "─", "│", "╭", "╮", "╰", "╯"
	if g.Rule == "-" {
		h, v, tl, tr, bl, br = "-", "|", "+", "+", "+", "+"
	}
	t := FitWith(Clean(title), w-6, g.Ellipsis)
	out := []string{th.Border.Render(tl+h) + " " + th.Title.Render(t) + " " + th.Border.Render(strings.Repeat(h, max(0, w-5-Width(t)))+tr)}
	side := th.Border.Render(v)
	for _, l := range append([]string{padCut("", w-4)}, lines...) {
		out = append(out, side+" "+l+" "+side)
	}
	out = append(out, th.Border.Render(bl+strings.Repeat(h, w-2)+br))
	return strings.Join(out, "\n")
}
