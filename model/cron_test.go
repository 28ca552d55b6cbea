package model

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has installed
)

func mustCron(t *testing.T, expr string) Cron {
	t.Helper()
	c, err := ParseCron(expr)
	if err != nil {
		t.Fatalf("ParseCron(%q): %v", expr, err)
	}
	return c
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseCronRejectsWithTheField(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"* * * *", "has 4 fields: want 5"},
		{"60 * * * *", "minute: 60 is out of range 0-59"},
		{"* 24 * * *", "hour: 24 is out of range 0-23"},
		{"* * 0 * *", "day of month: 0 is out of range 1-31"},
		{"* * * 13 *", "month: 13 is out of range 1-12"},
		{"* * * * 8", "day of week: 8 is out of range 0-7"},
		{"* * * * FRY", `day of week: "FRY" is neither a number nor a name (SUN-SAT)`},
		{"*/0 * * * *", `minute: step "0" is not a positive number`},
		{"5-1 * * * *", `minute: range "5-1" runs backwards`},
		{"a * * * *", `minute: "a" is not a number`},
		{"0 0 30 FEB *", "never matches"},
		{"0 0 31 APR,JUN *", "never matches"},
		{"1,,2 * * * *", `minute: "" is not a number`},
	}
	for _, c := range cases {
		_, err := ParseCron(c.expr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseCron(%q) = %v, want an error containing %q", c.expr, err, c.want)
		}
	}
	for _, ok := range []string{"0 0 29 FEB *", "0 0 31 * MON", "*/15 9-17/2 1,15 JAN-mar mon-fri", "0 0 * * 7", "  0   18 * * FRI "} {
		if _, err := ParseCron(ok); err != nil {
			t.Errorf("ParseCron(%q): %v", ok, err)
		}
	}
}

func TestCronMatches(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04 Mon", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		expr, at string
		want     bool
	}{
		{"* * * * *", "2026-11-27 13:37 Fri", true},
		{"0 18 * * FRI", "2026-11-27 18:00 Fri", true},
		{"0 18 * * FRI", "2026-11-27 18:01 Fri", false},
		{"0 18 * * FRI", "2026-11-26 18:00 Thu", false},
		{"0 18 * * 5", "2026-11-27 18:00 Fri", true},
		{"0 0 * * 7", "2026-11-29 00:00 Sun", true},
		{"0 0 * * 0", "2026-11-29 00:00 Sun", true},
		{"0 0 * * SUN", "2026-11-29 00:00 Sun", true},
		{"*/15 * * * *", "2026-11-27 13:45 Fri", true},
		{"*/15 * * * *", "2026-11-27 13:50 Fri", false},
		{"5/20 * * * *", "2026-11-27 13:45 Fri", true},
		{"5/20 * * * *", "2026-11-27 13:05 Fri", true},
		{"5/20 * * * *", "2026-11-27 13:15 Fri", false},
		{"59/9223372036854775807 * * * *", "2026-11-27 13:59 Fri", true},
		{"59/9223372036854775807 * * * *", "2026-11-27 13:58 Fri", false},
		{"0 9-17/4 * * *", "2026-11-27 13:00 Fri", true},
		{"0 9-17/4 * * *", "2026-11-27 15:00 Fri", false},
		{"0 0 1,15 * *", "2026-11-15 00:00 Sun", true},
		{"0 0 * DEC *", "2026-11-15 00:00 Sun", false},
		{"0 0 * nov-dec *", "2026-11-15 00:00 Sun", true},
		// Both days restricted: either matches (Vixie cron).
		{"0 0 13 * FRI", "2026-11-13 00:00 Fri", true},
		{"0 0 13 * FRI", "2026-11-27 00:00 Fri", true},
		{"0 0 13 * FRI", "2026-11-14 00:00 Sat", false},
		{"0 0 1 * MON-FRI", "2026-11-01 00:00 Sun", true},
		// A day field starting with * does not count as restricted (Vixie cron): both must match.
		{"0 0 */2 * MON", "2026-11-16 00:00 Mon", false},
		{"0 0 */2 * MON", "2026-11-23 00:00 Mon", true},
		{"0 0 */2 * MON", "2026-11-25 00:00 Wed", false},
		{"0 0 * * */2", "2026-11-24 00:00 Tue", true},
		{"0 0 * * */2", "2026-11-25 00:00 Wed", false},
	}
	for _, c := range cases {
		if got := mustCron(t, c.expr).Matches(at(c.at)); got != c.want {
			t.Errorf("%q matches %s = %v, want %v", c.expr, c.at, got, c.want)
		}
	}
}

func TestCronNext(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	berlin := mustZone(t, "Europe/Berlin")
	ny := mustZone(t, "America/New_York")
	kolkata := mustZone(t, "Asia/Kolkata")
	cases := []struct {
		name, expr string
		loc        *time.Location
		after      string
		want       string // empty: none within 4 years
	}{
		{"next minute, seconds dropped", "* * * * *", nil, "2026-11-27T13:37:42Z", "2026-11-27T13:38:00Z"},
		{"strictly after", "0 18 * * FRI", nil, "2026-11-27T18:00:00Z", "2026-12-04T18:00:00Z"},
		{"friday evening", "0 18 * * FRI", nil, "2026-11-25T10:00:00Z", "2026-11-27T18:00:00Z"},
		{"across a year", "0 0 1 JAN *", nil, "2026-11-27T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"leap day", "0 12 29 FEB *", nil, "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z"},
		{"in Berlin, winter", "0 18 * * FRI", berlin, "2026-11-25T10:00:00Z", "2026-11-27T17:00:00Z"},
		{"in Berlin, summer", "0 18 * * FRI", berlin, "2026-07-01T00:00:00Z", "2026-07-03T16:00:00Z"},
		// 29 March 2026: Berlin jumps from 02:00 to 03:00; 02:30 does not exist that day.
		{"spring forward skips the missing time", "30 2 * * *", berlin, "2026-03-28T12:00:00Z", "2026-03-30T00:30:00Z"},
		{"spring forward, hour after", "30 3 * * *", berlin, "2026-03-28T12:00:00Z", "2026-03-29T01:30:00Z"},
		// 25 October 2026: Berlin repeats 02:00-03:00; 02:30 happens twice and matches once.
		{"fall back, first 02:30", "30 2 * * *", berlin, "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z"},
		{"fall back, not the second 02:30", "30 2 * * *", berlin, "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"},
		{"fall back, every minute of the repeated hour once", "*/20 2 * * *", berlin, "2026-10-25T00:50:00Z", "2026-10-26T01:00:00Z"},
		{"fall back, the hour after", "0 3 * * *", berlin, "2026-10-24T12:00:00Z", "2026-10-25T02:00:00Z"},
		// Lord Howe Island moves by half an hour.
		{"half-hour jump back", "45 1 * * *", mustZone(t, "Australia/Lord_Howe"), "2026-04-04T14:00:00Z", "2026-04-04T14:45:00Z"},
		{"half-hour jump back, once", "45 1 * * *", mustZone(t, "Australia/Lord_Howe"), "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"},
		{"New York midnight", "0 0 * * *", ny, "2026-11-27T06:00:00Z", "2026-11-28T05:00:00Z"},
		{"half-hour zone", "0 9 * * *", kolkata, "2026-11-27T00:00:00Z", "2026-11-27T03:30:00Z"},
		{"January: the 13th or a Friday", "0 0 13 JAN FRI", nil, "2026-11-27T00:00:00Z", "2027-01-01T00:00:00Z"},
	}
	for _, c := range cases {
		after := utc(c.after)
		got, ok := mustCron(t, c.expr).Next(after, c.loc, after.Add(4*366*24*time.Hour))
		switch {
		case c.want == "" && ok:
			t.Errorf("%s: Next = %v, want none", c.name, got)
		case c.want != "" && (!ok || !got.Equal(utc(c.want))):
			t.Errorf("%s: %q Next after %s = %v %v, want %s", c.name, c.expr, c.after, got.UTC(), ok, c.want)
		}
	}
	if _, ok := mustCron(t, "0 0 1 JAN *").Next(utc("2026-11-27T00:00:00Z"), nil, utc("2026-12-31T23:59:00Z")); ok {
		t.Error("Next went past its horizon")
	}
	if _, ok := (Cron{}).Next(utc("2026-11-27T00:00:00Z"), nil, utc("2027-12-31T23:59:00Z")); ok {
		t.Error("a zero Cron matched")
	}
}

func FuzzParseCron(f *testing.F) {
	for _, s := range []string{"0 18 * * FRI", "*/15 9-17/2 1,15 JAN-mar mon-fri", "0 0 29 2 *", "* * * * 7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		c, err := ParseCron(expr)
		if err != nil {
			return
		}
		after := time.Date(2026, 11, 27, 13, 37, 0, 0, time.UTC)
		if n, ok := c.Next(after, time.UTC, after.Add(9*366*24*time.Hour)); ok && (!n.After(after) || !c.Matches(n)) {
			t.Fatalf("%q: Next = %v does not match or is not after %v", expr, n, after)
		}
	})
}
