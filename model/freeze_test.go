package model

import (
	"strings"
	"testing"
	"time"
)

func TestFreezeAt(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	weekend := FreezeWindow{Kind: WindowDeny, Schedule: mustCron(t, "0 18 * * FRI"), Duration: 62 * time.Hour, Location: berlin, Reason: "weekend freeze"}
	office := FreezeWindow{Kind: WindowAllow, Schedule: mustCron(t, "0 9 * * MON-FRI"), Duration: 8 * time.Hour, Location: berlin, Reason: "office hours"}
	xmas := FreezeWindow{Kind: WindowDeny, Schedule: mustCron(t, "0 0 20 DEC *"), Duration: 14 * 24 * time.Hour, Reason: "year-end freeze"}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name    string
		windows []FreezeWindow
		at      string
		frozen  bool
		reason  string
	}{
		{"no windows", nil, "2026-11-27 19:00", false, ""},
		{"before the weekend", []FreezeWindow{weekend}, "2026-11-27 17:59", false, ""},
		{"weekend starts", []FreezeWindow{weekend}, "2026-11-27 18:00", true, "prod is frozen until Mon 2026-11-30 08:00 CET by weekend freeze"},
		{"sunday night", []FreezeWindow{weekend}, "2026-11-29 23:00", true, "weekend freeze"},
		{"weekend over", []FreezeWindow{weekend}, "2026-11-30 08:00", false, ""},
		{"inside office hours", []FreezeWindow{office}, "2026-11-26 10:00", false, ""},
		{"outside office hours", []FreezeWindow{office}, "2026-11-26 18:00", true, "prod is outside its allowed windows until Fri 2026-11-27 09:00 CET (office hours)"},
		{"deny beats allow", []FreezeWindow{office, xmas}, "2026-12-21 10:00", true, "year-end freeze"},
		{"allow without deny", []FreezeWindow{office, xmas}, "2026-12-18 10:00", false, ""},
		{"the longest deny decides", []FreezeWindow{weekend, xmas}, "2026-12-20 10:00", true, "until Sun 2027-01-03 00:00 UTC by year-end freeze"},
	}
	for _, c := range cases {
		ep := EnvPolicy{Name: "prod", Windows: c.windows}
		f := ep.FreezeAt(at(c.at))
		if f.Frozen != c.frozen || !strings.Contains(f.Reason, c.reason) {
			t.Errorf("%s: FreezeAt(%s) = %v %q, want %v %q", c.name, c.at, f.Frozen, f.Reason, c.frozen, c.reason)
		}
	}
}

func TestUpcomingFreeze(t *testing.T) {
	now := time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)
	start := now.Add(44 * time.Hour)
	soon := FreezeWindow{Kind: WindowDeny, Schedule: mustCron(t, start.Format("4 15 2 1 *")), Duration: 24 * time.Hour, Reason: "peak-season change freeze"}
	later := FreezeWindow{Kind: WindowDeny, Schedule: mustCron(t, "0 0 20 DEC *"), Duration: 24 * time.Hour}
	allow := FreezeWindow{Kind: WindowAllow, Schedule: mustCron(t, "0 * * * *"), Duration: 30 * time.Minute}
	ep := EnvPolicy{Name: "prod", Windows: []FreezeWindow{later, allow, soon}}
	f, ok := ep.UpcomingFreeze(now, 7*24*time.Hour)
	if !ok || !f.Start.Equal(start) || !f.End.Equal(start.Add(24*time.Hour)) || f.Window.Reason != soon.Reason {
		t.Fatalf("UpcomingFreeze = %+v %v, want the window at %v", f, ok, start)
	}
	if want := "prod freezes from Tue 2026-12-01 00:00 UTC until Wed 2026-12-02 00:00 UTC: peak-season change freeze"; f.Reason != want {
		t.Errorf("reason %q, want %q", f.Reason, want)
	}
	if _, ok := ep.UpcomingFreeze(now, 24*time.Hour); ok {
		t.Error("a freeze 44h away is not within 24h")
	}
	if f := (EnvPolicy{Name: "prod", Windows: []FreezeWindow{soon}}).FreezeAt(start.Add(-time.Minute)); f.Frozen {
		t.Errorf("the freeze is active a minute before it starts: %+v", f)
	}
	if f := ep.FreezeAt(start.Add(time.Hour)); !f.Frozen || f.Window.Reason != soon.Reason {
		t.Errorf("an hour into the freeze: %+v", f)
	}
}
