package ui

import (
	"context"
	"errors"
	"github.com/release-cockpit/cockpit/model"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/themes"
)

// openRelease makes the release screen of a deployment. The release screen's file sets it
// from an init function; while it is nil, enter says the view is not available.
var openRelease func(c *Common, env string, d model.AssessedDeployment) Screen

// Options configure the TUI.
type Options struct {
	// Env is the starting environment. Empty: the environment nearest production with a
	// failing deployment, else the last one (production).
	Env string
	// Since is the home's time window; 0 means the last 24 hours, negative means all.
	Since time.Duration
	// Refresh is how often the home asks the live feed whether anything changed (a source
	// that cannot say re-lists what can change every time); 0 means 15s, negative never.
	Refresh time.Duration
	// FullRefresh is how often the home re-lists what can change even when the live feed
	// shows nothing new; 0 means 5m.
	FullRefresh time.Duration
	// MinWidth and MinHeight are the smallest terminal the cockpit draws in (default 60x16);
	// below it, it says the current and required size.
	MinWidth, MinHeight int
	// Workspace names the workspace in the status bar; empty: the source's label.
	Workspace string
	// AutoTheme swaps the dark and light themes after the terminal's background colour.
	AutoTheme bool
	// Clock is the wall clock that data ages are measured with; nil: the time tea.Tick
	// delivers (and time.Now at start). It is read in commands and ticks, never in Update.
	Clock func() time.Time
	// Debug receives a text log of loads and commands; nil: none. Never the terminal.
	Debug io.Writer
	// Open, when the Common has no Source yet, opens it in a command after the first frame
	// is drawn; until it answers the body says Opening. Its error ends the program and is
	// what Run returns.
	Open func(ctx context.Context) (Opened, error)
	// Opening is the first frame's text while Open runs ("opening the workspace…").
	Opening string
}

// Opened is what Options.Open hands the cockpit: the Common's source, actions, clock and
// timeout, and the workspace's name for the status bar.
type Opened struct {
	Source    Source
	Actions   ActionSource
	Now       func() time.Time
	Timeout   time.Duration
	Workspace string
}

// sourceOpened answers Options.Open.
type sourceOpened struct {
	op  Opened
	err error
	at  clockReading // the clocks when it opened
}

func (o Options) withDefaults() Options {
	if o.Since == 0 {
		o.Since = 24 * time.Hour
	}
	if o.Since < 0 {
		o.Since = 0
	}
	if o.Refresh == 0 {
		o.Refresh = 15 * time.Second
	}
	if o.FullRefresh <= 0 {
		o.FullRefresh = 5 * time.Minute
	}
	if o.MinWidth <= 0 {
		o.MinWidth = 60
	}
	if o.MinHeight <= 0 {
		o.MinHeight = 16
	}
	return o
}

// Status is what a screen tells the status bar about its data (optional: see StatusReporter).
type Status struct {
	Loading  bool      // a load is in flight: the spinner turns
	LoadedAt time.Time // wall-clock time the data on screen was fetched; zero: none yet
	Problem  error     // the last load failed; with data on screen, the stale banner says so
}

// StatusReporter is implemented by screens whose data has an age.
type StatusReporter interface{ Status() Status }

// KeyCapturer is implemented by screens that sometimes need keys the root would otherwise
// take (q, ?, :, esc): while typing a filter or a confirmation, or to close their own dialog.
type KeyCapturer interface{ CapturesKey(tea.KeyPressMsg) bool }

// ShortHelper is implemented by screens that choose which keys the status bar suggests;
// otherwise it shows the first few of KeyMap.
type ShortHelper interface{ ShortHelp() []key.Binding }

// Notify asks the root to show a one-line message in the status bar until the next key.
type Notify struct {
	Text string
	Err  bool
	// UntilLoaded clears the message once the home has no load in flight (a notice that
	// says it is reloading).
	UntilLoaded bool
}

func notify(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return Notify{Text: text, Err: isErr} }
}

// clockTicked brings the time to Update: the wall clock (data ages in the status bar) and
// the data's clock (ages on the screens), read when the tick fired.
type clockTicked struct{ wall, data time.Time }

// New makes the cockpit's root model: a stack of screens with the home at the bottom, the
// crumb line above, the status bar below, and a stack of overlays over them (help, the
// command line, dialogs).
func New(c *Common, o Options) tea.Model {
	o = o.withDefaults()
	log := slog.New(slog.DiscardHandler)
	if o.Debug != nil {
		log = slog.New(slog.NewTextHandler(o.Debug, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	m := &root{c: c, o: o, log: log, keys: newGlobalKeys()}
	c.Ctx, m.cancel = context.WithCancel(c.context())
	if c.Source == nil && o.Open != nil {
		// The data's clock is read by the clock's commands: until the source is open it
		// is the wall clock, then the source's, through a pointer swapped atomically.
		m.opening = true
		c.Now = m.dataNow
	}
	c.at = m.readClocks(time.Now())
	m.home = newHome(c, homeOptions{log: log, env: o.Env, since: o.Since, refresh: o.Refresh, fullRefresh: o.FullRefresh, clock: m.wallClock()})
	m.home.setSort(windowSort(o.Since))
	m.stack = []Screen{m.home}
	m.spin = spinner.New(spinner.WithSpinner(spinner.Line))
	if o.Env != "" && m.home.activeEnv() == nil {
		m.note = Notify{Text: m.home.SetEnv(o.Env).Error(), Err: true}
	}
	return m
}

// frameRate is how many times a second the screen may be redrawn. Bubble Tea's renderer
// wakes up that often even when nothing changed (it compares the frame): 30 is smooth for
// keys and scrolling and halves what an idle cockpit's renderer costs at the default 60.
const frameRate = 30

// Run runs the cockpit on a terminal until the user quits or ctx ends. The mouse stays
// off (selecting text must keep working over ssh); the screen is the alternate one. Every
// load runs under ctx (c.Ctx), and quitting cancels the loads still in flight.
func Run(ctx context.Context, c *Common, o Options, in io.Reader, out io.Writer) error {
	c.Ctx = ctx
	m := New(c, o).(*root)
	defer m.cancel()
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithFPS(frameRate))
	_, err := p.Run()
	if m.openErr != nil {
		return m.openErr
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// root is the root model: it routes messages and draws the frame around the top screen.
type root struct {
	c      *Common
	o      Options
	cancel context.CancelFunc // ends c.Ctx: every load in flight
	log    *slog.Logger
	wall   time.Time // the wall clock at the last tick

	home  *home
	stack []Screen

	width, height int
	banner        bool // the stale banner takes a line

	keys globalKeys
	note Notify
	// overlays are drawn over the top screen, bottom to top; the last owns the keys.
	overlays []Overlay

	spin     spinner.Model
	spinning bool

	// opening: Options.Open is running; openErr is its failure (Run returns it).
	opening bool
	openErr error
	now     atomic.Pointer[func() time.Time]
}

// dataNow is the data's clock while the source may still be opening.
func (m *root) dataNow() time.Time {
	if f := m.now.Load(); f != nil && *f != nil {
		return (*f)()
	}
	return time.Now()
}

// openSource runs Options.Open under the program's context.
func (m *root) openSource() tea.Cmd {
	open, ctx, log := m.o.Open, m.c.context(), m.log
	return func() tea.Msg {
		start := time.Now()
		op, err := open(ctx)
		log.Debug("opened the source", "took", time.Since(start), "err", err)
		if err == nil && op.Now != nil {
			m.now.Store(&op.Now)
		}
		return sourceOpened{op: op, err: err, at: m.readClocks(time.Now())}
	}
}

// opened takes the open source: the home is made again over it and starts loading.
func (m *root) opened(msg sourceOpened) tea.Cmd {
	m.opening = false
	if msg.err != nil {
		m.openErr = msg.err
		return m.quit()
	}
	op := msg.op
	m.wall, m.c.at = msg.at.wall, msg.at
	m.c.Source, m.c.Actions = op.Source, op.Actions
	if op.Timeout > 0 {
		m.c.Timeout = op.Timeout
	}
	if m.o.Workspace == "" {
		m.o.Workspace = op.Workspace
	}
	m.home = newHome(m.c, homeOptions{log: m.log, env: m.o.Env, since: m.o.Since, refresh: m.o.Refresh, fullRefresh: m.o.FullRefresh, clock: m.wallClock()})
	m.stack, m.overlays = []Screen{m.home}, nil
	if m.o.Env != "" && m.home.activeEnv() == nil {
		m.note = Notify{Text: m.home.SetEnv(m.o.Env).Error(), Err: true}
	}
	m.layout(true)
	return m.home.Init()
}

func (m *root) Init() tea.Cmd {
	first := m.home.Init()
	if m.opening {
		first = m.openSource()
	}
	cmds := []tea.Cmd{first, m.tickClock()}
	if m.o.AutoTheme {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return m.afterUpdate(tea.Batch(cmds...))
}

func (m *root) top() Screen { return m.stack[len(m.stack)-1] }

func (m *root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout(true)
		return m, nil
	case sourceOpened:
		return m, m.afterUpdate(m.opened(msg))
	case tea.BackgroundColorMsg:
		if m.c.Theme != nil && (m.c.Theme.Name == "dark" || m.c.Theme.Name == "light") {
			m.c.Theme = themes.Pick(themes.Auto, false, msg.IsDark())
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.afterUpdate(m.key(msg))
	case Push:
		if msg.Screen == nil {
			return m, nil
		}
		m.stack = append(m.stack, msg.Screen)
		m.layout(true)
		return m, m.afterUpdate(msg.Screen.Init())
	case Pop:
		m.pop()
		return m, m.afterUpdate(nil)
	case OpenOverlay:
		m.openOverlay(msg.Overlay)
		return m, nil
	case commandEntered:
		return m, m.afterUpdate(m.execute(msg.line))
	case Notify:
		m.note = msg
		return m, nil
	case copyRequest:
		return m, m.copy(msg)
	case spinner.TickMsg:
		if msg.ID != m.spin.ID() {
			break // another screen's spinner
		}
		if !m.topStatus().Loading {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case clockTicked:
		m.wall, m.c.at = msg.wall, clockReading{data: msg.data, wall: msg.wall}
		return m, m.tickClock()
	case tea.PasteMsg:
		if o := m.topOverlay(); o != nil {
			// A paste is typing: it goes where the keys go.
			var cmd tea.Cmd
			m.overlays[len(m.overlays)-1], cmd = o.Update(msg)
			return m, tea.Batch(cmd, m.dropDone())
		}
	}
	// Everything else goes to every overlay and every screen on the stack, so a covered
	// screen still receives the answers to its loads (and a dialog's result); each ignores
	// messages that are not its own.
	cmds := []tea.Cmd{m.updateOverlays(msg)}
	for i, s := range m.stack {
		var cmd tea.Cmd
		m.stack[i], cmd = s.Update(msg)
		cmds = append(cmds, cmd)
	}
	return m, m.afterUpdate(tea.Batch(cmds...))
}

// key routes a key press: ctrl+c always quits; the top overlay takes every other key while
// one is open (esc closes it); a screen that captures the key gets it; then the global
// keys; then the top screen.
func (m *root) key(msg tea.KeyPressMsg) tea.Cmd {
	m.note = Notify{}
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if len(m.overlays) > 0 {
		return m.overlayKey(msg)
	}
	if kc, ok := m.top().(KeyCapturer); ok && kc.CapturesKey(msg) {
		return m.updateTop(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.quit()
	case key.Matches(msg, m.keys.Help):
		m.openHelp()
		return nil
	case key.Matches(msg, m.keys.Command):
		return m.openCmdline()
	case key.Matches(msg, m.keys.Back):
		m.pop()
		return nil
	}
	return m.updateTop(msg)
}

func (m *root) updateTop(msg tea.Msg) tea.Cmd {
	s, cmd := m.top().Update(msg)
	m.stack[len(m.stack)-1] = s
	return cmd
}

func (m *root) pop() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
		m.layout(true)
	}
}

// toHome goes back to the home screen: commands like :env act there.
func (m *root) toHome() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:1]
		m.layout(true)
	}
}

// afterUpdate keeps the frame in step with the top screen: the banner line comes and goes,
// and the spinner turns only while something loads.
func (m *root) afterUpdate(cmd tea.Cmd) tea.Cmd {
	m.layout(false)
	if m.note.UntilLoaded && !m.home.Busy() {
		m.note = Notify{}
	}
	if m.topStatus().Loading && !m.spinning {
		m.spinning = true
		return tea.Batch(cmd, m.spin.Tick)
	}
	return cmd
}

// layout gives every screen the area between the crumb line (and banner) and the status bar.
func (m *root) layout(force bool) {
	st := m.topStatus()
	banner := st.Problem != nil && !st.LoadedAt.IsZero()
	if banner == m.banner && !force {
		return
	}
	m.banner = banner
	h := m.bodyHeight()
	for _, s := range m.stack {
		s.SetSize(m.width, h)
	}
	for _, o := range m.overlays {
		m.sizeOverlay(o)
	}
}

func (m *root) topStatus() Status {
	if r, ok := m.top().(StatusReporter); ok {
		return r.Status()
	}
	return Status{}
}

// tickClock brings the time in a message: every second while the data age counts seconds,
// then every 15.
func (m *root) tickClock() tea.Cmd {
	d := 15 * time.Second
	if st := m.topStatus(); st.LoadedAt.IsZero() || m.wall.Sub(st.LoadedAt) < time.Minute {
		d = time.Second
	}
	return tea.Tick(d, func(t time.Time) tea.Msg {
		r := m.readClocks(t)
		return clockTicked{wall: r.wall, data: r.data}
	})
}

// readClocks reads the clocks when a tick fires (or at start): the wall clock is the tick's
// time unless Options.Clock replaces it; the data's clock is the source's. It runs in a
// command, never in Update, and reads only fields set before the program started.
func (m *root) readClocks(t time.Time) clockReading {
	r := clockReading{wall: t, data: t}
	if m.o.Clock != nil {
		r.wall = m.o.Clock()
	}
	if m.c.Now != nil {
		r.data = m.c.Now()
	}
	return r
}

// wallClock is the wall clock commands stamp their answers with.
func (m *root) wallClock() func() time.Time {
	if m.o.Clock != nil {
		return m.o.Clock
	}
	return time.Now
}

// quit ends the program and cancels the loads in flight.
func (m *root) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

// busy reports whether a load is in flight (tests wait for it to end).
func (m *root) busy() bool { return m.home.Busy() || m.topStatus().Loading }

func (m *root) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	return v
}

func (m *root) render() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.width < m.o.MinWidth || m.height < m.o.MinHeight {
		return m.tooSmall()
	}
	var b strings.Builder
	b.WriteString(m.crumbLine())
	b.WriteByte('\n')
	bodyH := m.height - 2
	if m.banner {
		b.WriteString(m.bannerLine())
		b.WriteByte('\n')
		bodyH--
	}
	top := m.top().View()
	if m.opening {
		top = padRight(FitWith(" "+Clean(m.o.Opening), m.width, m.c.Glyphs.Ellipsis), m.width)
	}
	body, status := m.drawOverlays(top, "", bodyH)
	if status == "" {
		status = m.statusLine()
	}
	b.WriteString(fitHeight(body, bodyH, m.width))
	b.WriteByte('\n')
	b.WriteString(status)
	return b.String()
}

// fitHeight makes a block exactly h lines: extra lines are dropped, missing ones blank.
func fitHeight(s string, h, width int) string {
	if h <= 0 {
		return ""
	}
	n := strings.Count(s, "\n") + 1
	switch {
	case n > h:
		i := 0
		for range h {
			i += strings.IndexByte(s[i:], '\n') + 1
		}
		return s[:i-1]
	case n < h:
		return s + strings.Repeat("\n"+strings.Repeat(" ", width), h-n)
	}
	return s
}

// crumbLine: "cockpit › prod › ecommerce_orders@2026.1122.21", and the data's clock.
func (m *root) crumbLine() string {
	th := m.c.Theme
	parts := []string{"cockpit"}
	for _, s := range m.stack {
		if c := s.Crumb(); c != "" {
			parts = append(parts, Clean(c))
		}
	}
	right := ""
	if now := m.c.Time(); !now.IsZero() {
		right = now.UTC().Format("2006-01-02 15:04 MST") + " "
	}
	left := FitWith(" "+strings.Join(parts, m.c.Glyphs.Crumb), max(1, m.width-Width(right)-1), m.c.Glyphs.Ellipsis)
	gap := max(1, m.width-Width(left)-Width(right))
	return fitLine(th.Crumb.Render(left)+strings.Repeat(" ", gap)+th.Muted.Render(right), m.width, m.c.Glyphs.Ellipsis)
}

// bannerLine is the stale-data banner: the data on screen is older than it should be. The
// problem names what failed (the workspace, the SQL warehouse, the simulation's database).
func (m *root) bannerLine() string {
	st := m.topStatus()
	text := " " + m.c.Glyphs.Degraded + " not refreshed " + ruleDash(m.c.Glyphs) + " showing data from " +
		dataAge(m.wall.Sub(st.LoadedAt)) + " ago"
	if st.Problem != nil {
		text += m.c.Glyphs.Dot + st.Problem.Error()
	}
	return m.c.Theme.Banner.Render(padRight(FitWith(text, m.width, m.c.Glyphs.Ellipsis), m.width))
}

func ruleDash(g Glyphs) string {
	if g.Rule == "-" {
		return "-"
	}
	return "—"
}

// tooSmall replaces everything when the terminal is below the minimum size.
func (m *root) tooSmall() string {
	lines := []string{
		"Terminal too small:",
		fmtSize(m.width, m.height) + " now,",
		fmtSize(m.o.MinWidth, m.o.MinHeight) + " needed.",
		"Enlarge it, or q quits.",
	}
	var b strings.Builder
	for i := range m.height {
		if i > 0 {
			b.WriteByte('\n')
		}
		s := ""
		if i < len(lines) {
			s = lines[i]
		}
		b.WriteString(padRight(Fit(s, m.width), m.width))
	}
	return b.String()
}

func fmtSize(w, h int) string { return strconv.Itoa(w) + "x" + strconv.Itoa(h) }
