package ui

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/bubbles/v2/table"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/themes"
)

// Benchmarks of what a person feels: a cursor move, a filter keystroke, the bytes a cursor
// move sends to the terminal, and the time to the first frame with data.
//
//	go test ./ui -run XXX -bench . -benchmem

var estate struct {
	once sync.Once
	ds   []source.Deployment
	err  error
}

// benchDeployments are the simulated estate's real deployments (every environment, all of
// its history), repeated under fresh IDs up to n.
func benchDeployments(b *testing.B, n int) []source.Deployment {
	src := testSource(b)
	estate.once.Do(func() {
		for _, env := range src.Environments() {
			ds, err := src.List(context.Background(), env, source.Query{Limit: 10000})
			if err != nil {
				estate.err = err
				return
			}
			estate.ds = append(estate.ds, ds...)
		}
	})
	if estate.err != nil || len(estate.ds) == 0 {
		b.Fatalf("listing the estate: %v (%d deployments)", estate.err, len(estate.ds))
	}
	out := make([]source.Deployment, n)
	for i := range out {
		out[i] = estate.ds[i%len(estate.ds)]
		out[i].ID = fmt.Sprintf("%s#%d", out[i].ID, i)
		out[i].Environment = "prod"
	}
	return out
}

func sizeName(n int) string {
	if n >= 1000 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// BenchmarkCursorMove is one j (Update) and the frame after it (View), on our table and on
// bubbles/table with the same rows, columns and size.
func BenchmarkCursorMove(b *testing.B) {
	const w, h = 160, 46
	c := &Common{Theme: themes.Dark(), Glyphs: UnicodeGlyphs, Now: func() time.Time { return testNow }}
	down := pressKey("j")
	for _, n := range []int{1000, 100000} {
		ds := benchDeployments(b, n)
		b.Run("ours-"+sizeName(n), func(b *testing.B) {
			t := NewTable(c, deploymentColumns())
			t.SetSize(w, h)
			t.SetRows(rowsOf(ds))
			t.View()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if t.Cursor() == t.Len()-1 {
					b.StopTimer()
					t.MoveTo(0)
					t.View()
					b.StartTimer()
				}
				t.Update(down)
				_ = t.View()
			}
		})
		b.Run("bubbles-"+sizeName(n), func(b *testing.B) {
			ours := NewTable(c, deploymentColumns())
			ours.SetSize(w, h)
			var cols []table.Column
			for i, col := range ours.cols {
				if ours.widths[i] > 0 {
					cols = append(cols, table.Column{Title: col.Title, Width: ours.widths[i]})
				}
			}
			rows := make([]table.Row, len(ds))
			for i := range ds {
				r := deploymentRow(UnicodeGlyphs, &ds[i], testNow)
				var cells table.Row
				for j, cell := range r.Cells {
					if ours.widths[j] > 0 {
						cells = append(cells, cell.Text)
					}
				}
				rows[i] = cells
			}
			m := table.New(table.WithColumns(cols), table.WithRows(rows), table.WithWidth(w), table.WithHeight(h), table.WithFocused(true))
			m.View()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if m.Cursor() == len(rows)-1 {
					b.StopTimer()
					m.GotoTop()
					m.View()
					b.StartTimer()
				}
				m, _ = m.Update(down)
				_ = m.View()
			}
		})
	}
}

// BenchmarkFilterKeystroke is one character typed into (or erased from) the home's filter
// over 100k deployments, through the home's Update and View: the filter parsed again, the
// rows matched (only the visible ones when the filter narrows, all of them on a backspace),
// the frame drawn.
func BenchmarkFilterKeystroke(b *testing.B) {
	ds := benchDeployments(b, 100000)
	for _, tc := range []struct {
		name, typed, key string
		rescan           bool
	}{
		{"key-value-100k", "bundle:ecommerce_order", "s", false},
		{"words-100k", "marco ecommerce_order", "s", false},
		// Every keystroke as if nothing narrowed: all rows matched.
		{"words-rescan-100k", "marco ecommerce_order", "s", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c := rootCommon(b, themes.Dark())
			h := newHome(c, homeOptions{log: slog.New(slog.DiscardHandler), since: 0, refresh: -1, clock: time.Now})
			h.SetSize(160, 46)
			h.Update(deploymentsLoaded{req: loadRequest{env: "prod"}, rows: ds})
			if err := h.SetEnv("prod"); err != nil {
				b.Fatal(err)
			}
			h.Update(pressKey("/"))
			for _, r := range tc.typed {
				k := string(r)
				if r == ' ' {
					k = "space"
				}
				h.Update(pressKey(k))
			}
			h.View()
			if h.table.Len() == 0 || h.table.Len() == h.table.Total() {
				b.Fatalf("the filter keeps %d of %d rows: not a real case", h.table.Len(), h.table.Total())
			}
			add, del := pressKey(tc.key), pressKey("backspace")
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if tc.rescan {
					b.StopTimer()
					h.filter = Filter{}
					h.table.view = h.table.view[:0]
					for j := range h.table.rows {
						h.table.view = append(h.table.view, j)
					}
					b.StartTimer()
				}
				if i%2 == 0 {
					h.Update(add)
				} else {
					h.Update(del)
				}
				_ = h.View()
			}
		})
	}
}

// BenchmarkFilterRescan is a keystroke that cannot narrow the previous result, at the
// table: every one of 100k rows is matched again, then the frame is drawn.
func BenchmarkFilterRescan(b *testing.B) {
	ds := benchDeployments(b, 100000)
	c := &Common{Theme: themes.Dark(), Glyphs: UnicodeGlyphs, Now: func() time.Time { return testNow }}
	for _, tc := range []struct{ name, a, b string }{
		{"key-value-100k", "bundle:ecommerce_order", "bundle:ecommerce_orders"},
		{"words-100k", "marco ecommerce_order", "marco ecommerce_orders"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			t := NewTable(c, deploymentColumns())
			t.SetSize(160, 46)
			t.SetRows(rowsOf(ds))
			fa, fb := ParseFilter(tc.a), ParseFilter(tc.b)
			ma := fa.Match
			mb := fb.Match
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i%2 == 0 {
					t.SetFilter(ma)
				} else {
					t.SetFilter(mb)
				}
				_ = t.View()
			}
		})
	}
}

// terminal counts what a program writes and tells when a text first appears.
type terminal struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	n      atomic.Int64
	wrote  chan struct{}
	want   []byte
	seen   chan struct{}
	closed bool
}

func newTerminal(want string) *terminal {
	return &terminal{wrote: make(chan struct{}, 1), want: []byte(want), seen: make(chan struct{})}
}

func (t *terminal) Write(p []byte) (int, error) {
	t.n.Add(int64(len(p)))
	t.mu.Lock()
	if !t.closed {
		t.buf.Write(p)
		if bytes.Contains(t.buf.Bytes(), t.want) {
			t.closed = true
			t.buf = bytes.Buffer{}
			close(t.seen)
		}
	}
	t.mu.Unlock()
	select {
	case t.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

// quiet waits until nothing was written for d.
func (t *terminal) quiet(d time.Duration) {
	for {
		select {
		case <-t.wrote:
		case <-time.After(d):
			return
		}
	}
}

func startProgram(b *testing.B, c *Common, o Options, term *terminal) (*tea.Program, chan struct{}) {
	p := tea.NewProgram(New(c, o), tea.WithInput(nil), tea.WithOutput(term), tea.WithWindowSize(160, 48),
		tea.WithoutSignalHandler(), tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := p.Run(); err != nil {
			b.Error(err)
		}
	}()
	return p, done
}

// BenchmarkBytesPerCursorMove runs the real program at 160x48 in true colour and counts
// what one cursor move writes to the terminal.
func BenchmarkBytesPerCursorMove(b *testing.B) {
	c := rootCommon(b, themes.Dark())
	o := rootOptions()
	o.Since = -1 // all of the estate: enough rows to move through
	term := newTerminal("ecommerce_orders")
	p, done := startProgram(b, c, o, term)
	select {
	case <-term.seen:
	case <-time.After(30 * time.Second):
		b.Fatal("no frame with data within 30s")
	}
	term.quiet(100 * time.Millisecond)
	var written, moves int64
	b.ResetTimer()
	for i := range b.N {
		if i%100 == 99 { // back to the top, not counted
			p.Send(pressKey("g"))
			term.quiet(50 * time.Millisecond)
			continue
		}
		before := term.n.Load()
		p.Send(pressKey("j"))
		term.quiet(50 * time.Millisecond)
		written += term.n.Load() - before
		moves++
	}
	b.StopTimer()
	if moves > 0 {
		b.ReportMetric(float64(written)/float64(moves), "B/move")
	}
	p.Quit()
	<-done
}

// BenchmarkFirstFrameWithData is the time from starting the program to the first frame
// that shows deployments, on the warm simulated workspace.
func BenchmarkFirstFrameWithData(b *testing.B) {
	c := rootCommon(b, themes.Dark())
	o := rootOptions()
	b.ResetTimer()
	for range b.N {
		term := newTerminal("ecommerce_orders")
		p, done := startProgram(b, c, o, term)
		select {
		case <-term.seen:
		case <-time.After(30 * time.Second):
			b.Fatal("no frame with data within 30s")
		}
		b.StopTimer()
		p.Quit()
		<-done
		b.StartTimer()
	}
}
