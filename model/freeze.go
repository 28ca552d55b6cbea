package model

import (
	"fmt"
	"time"
)

// ActiveAt reports whether the window is open at t, and the span it is in: a start s the
// schedule matches with s <= t < s+Duration.
func (w FreezeWindow) ActiveAt(t time.Time) (start, end time.Time, ok bool) {
	if w.Duration <= 0 {
		return time.Time{}, time.Time{}, false
	}
	s, ok := w.Schedule.Next(t.Add(-w.Duration), w.Location, t)
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	return s, s.Add(w.Duration), true
}

// NextStart is the window's first start strictly after t and no later than t+within.
func (w FreezeWindow) NextStart(t time.Time, within time.Duration) (time.Time, bool) {
	return w.Schedule.Next(t, w.Location, t.Add(within))
}

// Freeze is whether an environment is frozen at a time, and why.
type Freeze struct {
	Frozen bool
	// Start and End bound the span that freezes (for a deny window: its occurrence; outside
	// allow windows: End is the next allow window's start when known).
	Start, End time.Time
	// Window is the window that decides; nil when the environment is open without windows.
	Window *FreezeWindow
	Reason string
}

// FreezeAt says whether the environment's windows freeze it at t: an active deny window
// freezes it (deny beats allow); otherwise, if it has allow windows and none is active, it is
// frozen until the next one opens. Among overlapping deny windows, the one ending last decides.
func (e EnvPolicy) FreezeAt(t time.Time) Freeze {
	var f Freeze
	hasAllow, inAllow := false, false
	for i := range e.Windows {
		w := &e.Windows[i]
		start, end, ok := w.ActiveAt(t)
		switch w.Kind {
		case WindowAllow:
			hasAllow = true
			inAllow = inAllow || ok
		default:
			if ok && (!f.Frozen || end.After(f.End)) {
				f = Freeze{Frozen: true, Start: start, End: end, Window: w}
			}
		}
	}
	if f.Frozen {
		f.Reason = fmt.Sprintf("%s is frozen until %s by %s", e.Name, stamp(f.End, f.Window.Location), f.Window.describe())
		return f
	}
	if hasAllow && !inAllow {
		f = Freeze{Frozen: true, Start: t}
		var next *FreezeWindow
		for i := range e.Windows {
			w := &e.Windows[i]
			if w.Kind != WindowAllow {
				continue
			}
			if s, ok := w.NextStart(t, 31*24*time.Hour); ok && (next == nil || s.Before(f.End)) {
				next, f.End = w, s
			}
		}
		f.Window = next
		if next != nil {
			f.Reason = fmt.Sprintf("%s is outside its allowed windows until %s (%s)", e.Name, stamp(f.End, next.Location), next.describe())
		} else {
			f.Reason = fmt.Sprintf("%s is outside its allowed windows, and none opens within 31 days", e.Name)
		}
	}
	return f
}

// UpcomingFreeze finds the first deny window that starts after t and within `within` (for
// an "upcoming freeze" banner; 7 days is a good horizon). It ignores allow windows.
func (e EnvPolicy) UpcomingFreeze(t time.Time, within time.Duration) (Freeze, bool) {
	var f Freeze
	found := false
	for i := range e.Windows {
		w := &e.Windows[i]
		if w.Kind == WindowAllow {
			continue
		}
		if s, ok := w.NextStart(t, within); ok && (!found || s.Before(f.Start)) {
			f, found = Freeze{Frozen: true, Start: s, End: s.Add(w.Duration), Window: w}, true
		}
	}
	if found {
		f.Reason = fmt.Sprintf("%s freezes from %s until %s: %s", e.Name, stamp(f.Start, f.Window.Location), stamp(f.End, f.Window.Location), f.Window.describe())
	}
	return f, found
}

// describe names a window for messages: its reason, or its schedule.
func (w *FreezeWindow) describe() string {
	if w.Reason != "" {
		return w.Reason
	}
	return fmt.Sprintf("%s window %q for %s", w.Kind, w.Schedule, w.Duration)
}

// stamp formats an instant in the window's zone (UTC when none), for messages.
func stamp(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2006-01-02 15:04 MST")
}
