package warehouse

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// goodPageRow is a row of deployments_page.sql as DuckDB hands it over.
func goodPageRow(i int) []any {
	at := time.Date(2026, 11, 23, 10, i, 0, 0, time.UTC)
	return []any{
		"dep-" + string(rune('a'+i)), "orders@1." + string(rune('0'+i)), "orders", "1." + string(rune('0'+i)),
		"abcdef0123456789", "ci@example.com", nil, at, nil, nil, nil, false, false, int64(3),
	}
}

// fuzzValue picks a column value of any type a driver could hand over, from a selector.
func fuzzValue(sel byte, s string, n int64, f float64) any {
	switch sel % 10 {
	case 0:
		return nil
	case 1:
		return s
	case 2:
		return n
	case 3:
		return f
	case 4:
		return []byte(s)
	case 5:
		return time.Unix(n%(1<<40), 0).UTC()
	case 6:
		return n%2 == 0
	case 7:
		return strings.Repeat(s+"\x1b[31m\x07\u202e", 200)
	case 8:
		return int32(n)
	default:
		return math.Inf(1)
	}
}

// fuzzRow is a row of width columns, each chosen by sels.
func fuzzRow(width int, sels []byte, s string, n int64, f float64) []any {
	v := make([]any, width)
	for i := range v {
		var sel byte
		if len(sels) > 0 {
			sel = sels[i%len(sels)] + byte(i)
		}
		v[i] = fuzzValue(sel, s, n+int64(i), f)
	}
	return v
}

// FuzzRowDecoders feeds every row decoder a row of arbitrary values per column between good
// rows: no decoder panics or fails, the bad row is kept or left out, and every good row
// comes out exactly as it does alone.
func FuzzRowDecoders(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0}, "", int64(0), 0.0)
	f.Add([]byte{1, 1, 1, 0, 1, 1}, "x", int64(-5), -1.5)
	f.Add([]byte{7, 4, 2, 3, 9}, "\x1b]52;c;aGk=\x07\u009b", int64(1e15), 1e300)
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1}, "2026-11-23T10:00:00Z", int64(1764000000), math.NaN())
	f.Fuzz(func(t *testing.T, sels []byte, s string, n int64, fl float64) {
		bad := fuzzRow(pageColumns, sels, s, n, fl)
		var good []pageRow
		for i := 0; i < 3; i++ {
			r, reason := decodePageRow(goodPageRow(i), "prod")
			if reason != "" {
				t.Fatalf("good row %d left out: %s", i, reason)
			}
			good = append(good, r)
		}
		var got []pageRow
		var skipped model.Skipped
		for i, row := range [][]any{goodPageRow(0), bad, goodPageRow(1), bad, goodPageRow(2)} {
			r, reason := decodePageRow(row, "prod")
			if reason != "" {
				skipped.Add(reason, text(row[0]))
				continue
			}
			if r.d.ID == "" || r.d.Release.Bundle == "" || r.d.DeployedAt.IsZero() && row[7] == nil {
				t.Fatalf("row %d kept without an id, bundle or time: %+v", i, r.d)
			}
			got = append(got, r)
		}
		kept := 0
		for _, r := range got {
			for _, g := range good {
				if reflect.DeepEqual(r, g) {
					kept++
				}
			}
		}
		if kept != len(good) {
			t.Fatalf("%d of %d good rows came out unchanged", kept, len(good))
		}
		if len(got)+skipped.Total() != 5 {
			t.Fatalf("%d kept + %d skipped of 5 rows", len(got), skipped.Total())
		}
		// The other decoders take any row without failing.
		decodeCheck(fuzzRow(4, sels, s, n, fl))
		decodeEvent(fuzzRow(14, sels, s, n, fl))
		decodeHealth(fuzzRow(9, sels, s, n, fl))
		if r, why := decodeRun(fuzzRow(8, sels, s, n, fl)); why == "" && r.RunID == "" {
			t.Fatalf("run kept without an id: %+v", r)
		}
		if u, why := decodeUpdate(fuzzRow(9, sels, s, n, fl)); why == "" && u.UpdateID == "" {
			t.Fatalf("update kept without an id: %+v", u)
		}
	})
}

func TestDecodePageRowSaysWhyARowIsNoDeployment(t *testing.T) {
	row := func(change func(v []any)) []any {
		v := goodPageRow(0)
		change(v)
		return v
	}
	cases := []struct {
		name string
		v    []any
		want string
	}{
		{"no event id", row(func(v []any) { v[0] = nil }), model.SkipNoEventID},
		{"blank release id", row(func(v []any) { v[1] = "  " }), model.SkipNoReleaseID},
		{"no bundle", row(func(v []any) { v[2] = nil }), model.SkipNoBundle},
		{"no time", row(func(v []any) { v[7] = nil }), model.SkipNoTime},
		{"a time that is no time", row(func(v []any) { v[7] = "yesterday" }), model.SkipBadTime},
		{"a time as text", row(func(v []any) { v[7] = "2026-11-23 10:00:00" }), ""},
		{"no version: read from the release id", row(func(v []any) { v[3] = nil }), ""},
	}
	for _, c := range cases {
		r, reason := decodePageRow(c.v, "prod")
		if reason != c.want {
			t.Errorf("%s: reason %q, want %q", c.name, reason, c.want)
		}
		if reason == "" && (r.d.Release.Version != "1.0" || !r.d.DeployedAt.Equal(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))) {
			t.Errorf("%s: %+v", c.name, r.d)
		}
	}
}

func TestUnreadableCheckDetailsKeepTheCheck(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c := decodeCheck([]any{"ev-1", "fail", "{not json", at})
	if !c.DetailsUnreadable || c.Outcome != model.OutcomeFail || c.EventID != "ev-1" || !c.At.Equal(at) {
		t.Fatalf("check %+v: want kept, failed, details unreadable", c)
	}
	counts := model.CountChecks([]model.Check{c, decodeCheck([]any{"ev-2", "fail", "[", at})})
	if counts.Fail != 2 {
		t.Fatalf("two nameless unreadable checks counted as %+v, want 2 failed", counts)
	}
}
