package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cron is a parsed five-field cron expression: minute hour day-of-month month day-of-week.
// Each field takes *, numbers, lists (1,15), ranges (1-5), steps (*/15, 9-17/2) and, for
// month and day of week, names (JAN-DEC, SUN-SAT; 7 is Sunday too). As in Vixie cron, when
// both day fields are restricted (neither starts with *) a day matches if either does;
// otherwise both must.
type Cron struct {
	expr                     string
	minute, hour, dom, month uint64
	dow                      uint64
	domAny, dowAny           bool
}

type cronField struct {
	name     string
	min, max int
	names    []string // names[i] is the value min+i
}

var cronFields = [5]cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day of week", min: 0, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

// ParseCron parses a five-field cron expression; the error names the field that is wrong.
func ParseCron(expr string) (Cron, error) {
	parts := strings.Fields(expr)
	if len(parts) != 5 {
		return Cron{}, fmt.Errorf("cron %q has %d fields: want 5 (minute hour day-of-month month day-of-week), e.g. \"0 18 * * FRI\"", expr, len(parts))
	}
	c := Cron{expr: strings.Join(parts, " ")}
	var sets [5]uint64
	for i, p := range parts {
		s, err := cronFields[i].parse(p)
		if err != nil {
			return Cron{}, fmt.Errorf("cron %q: %s: %v", expr, cronFields[i].name, err)
		}
		sets[i] = s
	}
	c.minute, c.hour, c.dom, c.month, c.dow = sets[0], sets[1], sets[2], sets[3], sets[4]
	if c.dow&(1<<7) != 0 { // 7 is Sunday
		c.dow = c.dow&^(1<<7) | 1
	}
	// As in Vixie cron, a day field that starts with * ("*", "*/2") does not restrict days in
	// the either-matches rule.
	c.domAny, c.dowAny = strings.HasPrefix(parts[2], "*"), strings.HasPrefix(parts[4], "*")
	if !c.domAny && c.dowAny { // only the day of month picks days: one must exist in a chosen month
		ok := false
		for m := 1; m <= 12; m++ {
			days := uint64(1)<<(daysIn(time.Month(m))+1) - 2 // bits 1..n
			ok = ok || c.month&(1<<m) != 0 && c.dom&days != 0
		}
		if !ok {
			return Cron{}, fmt.Errorf("cron %q never matches: no chosen month has those days", expr)
		}
	}
	return c, nil
}

// daysIn is the most days a month can have (29 for February).
func daysIn(m time.Month) int {
	switch m {
	case time.February:
		return 29
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func (f cronField) parse(s string) (uint64, error) {
	var set uint64
	for _, item := range strings.Split(s, ",") {
		rng, step := item, 1
		if i := strings.IndexByte(item, '/'); i >= 0 {
			n, err := strconv.Atoi(item[i+1:])
			if err != nil || n <= 0 {
				return 0, fmt.Errorf("step %q is not a positive number", item[i+1:])
			}
			rng, step = item[:i], min(n, 64) // a step past the range keeps only its start (and cannot overflow)
		}
		lo, hi := f.min, f.max
		switch {
		case rng == "*":
			if f.max == 7 {
				hi = 6
			}
		case strings.IndexByte(rng, '-') > 0:
			i := strings.IndexByte(rng, '-')
			var err error
			if lo, err = f.value(rng[:i]); err != nil {
				return 0, err
			}
			if hi, err = f.value(rng[i+1:]); err != nil {
				return 0, err
			}
			if hi < lo {
				return 0, fmt.Errorf("range %q runs backwards", rng)
			}
		default:
			v, err := f.value(rng)
			if err != nil {
				return 0, err
			}
			lo, hi = v, v
			if step > 1 {
				hi = f.max
			}
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

func (f cronField) value(s string) (int, error) {
	for i, n := range f.names {
		if strings.EqualFold(s, n) {
			return f.min + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		if f.names != nil {
			return 0, fmt.Errorf("%q is neither a number nor a name (%s-%s)", s, f.names[0], f.names[len(f.names)-1])
		}
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if v < f.min || v > f.max {
		return 0, fmt.Errorf("%d is out of range %d-%d", v, f.min, f.max)
	}
	return v, nil
}

// String is the expression as parsed (fields separated by single spaces).
func (c Cron) String() string { return c.expr }

// IsZero reports whether c was never parsed.
func (c Cron) IsZero() bool { return c.expr == "" }

// Matches reports whether the minute holding t, read as wall-clock time in t's location,
// matches the expression.
func (c Cron) Matches(t time.Time) bool {
	return c.month&(1<<int(t.Month())) != 0 && c.dayMatches(t) &&
		c.hour&(1<<t.Hour()) != 0 && c.minute&(1<<t.Minute()) != 0
}

func (c Cron) dayMatches(t time.Time) bool {
	dom := c.dom&(1<<t.Day()) != 0
	dow := c.dow&(1<<int(t.Weekday())) != 0
	if c.domAny || c.dowAny {
		return dom && dow
	}
	return dom || dow
}

// Next returns the first minute strictly after `after` whose wall-clock time in loc matches,
// searching no further than until; ok is false when there is none in that span. Minutes are
// real instants: a wall-clock time skipped by a daylight-saving jump never matches, and one
// repeated by the jump back matches once, at its first occurrence (as Vixie cron does).
func (c Cron) Next(after time.Time, loc *time.Location, until time.Time) (time.Time, bool) {
	if c.IsZero() {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	l := after.In(loc)
	t := after.Add(time.Minute - time.Duration(l.Second())*time.Second - time.Duration(l.Nanosecond()))
	for !t.After(until) {
		l = t.In(loc)
		var next time.Time
		switch {
		case c.month&(1<<int(l.Month())) == 0:
			next = time.Date(l.Year(), l.Month()+1, 1, 0, 0, 0, 0, loc)
		case !c.dayMatches(l):
			next = time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
		case c.hour&(1<<l.Hour()) == 0:
			next = t.Add(time.Duration(60-l.Minute()) * time.Minute)
		case c.minute&(1<<l.Minute()) == 0:
			next = t.Add(time.Minute)
			for m := l.Minute() + 1; m < 60 && c.minute&(1<<m) == 0; m++ {
				next = next.Add(time.Minute)
			}
		case repeated(t, l):
			next = t.Add(time.Minute)
		default:
			return t, true
		}
		if !next.After(t) { // a zone jump put the wall-clock target behind us
			next = t.Add(time.Minute)
		}
		t = next
	}
	return time.Time{}, false
}

// repeated reports whether the wall-clock minute l (t in its zone) already happened earlier,
// in the hour (or half hour) a daylight-saving jump back repeats.
func repeated(t time.Time, l time.Time) bool {
	for _, d := range []time.Duration{30 * time.Minute, time.Hour} {
		u := t.Add(-d).In(l.Location())
		if u.Hour() == l.Hour() && u.Minute() == l.Minute() && u.Day() == l.Day() {
			return true
		}
	}
	return false
}
