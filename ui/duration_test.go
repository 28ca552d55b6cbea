package ui

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"},
		{0, "0s"},
		{999 * time.Millisecond, "0s"},
		{42 * time.Second, "42s"},
		{4*time.Minute + 12*time.Second, "4m12s"},
		{9*time.Minute + 59*time.Second, "9m59s"},
		{10*time.Minute + 29*time.Second, "10m"},
		{10*time.Minute + 50*time.Second, "11m"},
		{59*time.Minute + 45*time.Second, "1h00m"},
		{3*time.Hour + 5*time.Minute, "3h05m"},
		{52 * time.Hour, "2d04h"},
	} {
		if got := FormatDuration(c.d); got != c.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestFormatAge(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		ago  time.Duration
		want string
	}{
		{0, "just now"},
		{59 * time.Second, "just now"},
		{35 * time.Minute, "35m ago"},
		{5*time.Hour + 59*time.Minute, "5h ago"},
		{47 * time.Hour, "47h ago"},
		{72 * time.Hour, "3d ago"},
		{-5 * time.Minute, "in 5m"},
		{-10 * time.Second, "in <1m"},
	} {
		if got := FormatAge(now, now.Add(-c.ago)); got != c.want {
			t.Errorf("FormatAge(%v ago) = %q, want %q", c.ago, got, c.want)
		}
	}
}

func TestMedian(t *testing.T) {
	m := time.Minute
	for _, c := range []struct {
		ds   []time.Duration
		want time.Duration
		ok   bool
	}{
		{nil, 0, false},
		{[]time.Duration{5 * m}, 5 * m, true},
		{[]time.Duration{9 * m, 1 * m, 5 * m}, 5 * m, true},
		{[]time.Duration{4 * m, 1 * m, 3 * m, 2 * m}, 150 * time.Second, true},
		{[]time.Duration{m, m, 100 * m}, m, true}, // one slow outlier does not move it
	} {
		in := append([]time.Duration(nil), c.ds...)
		got, ok := Median(c.ds)
		if got != c.want || ok != c.ok {
			t.Errorf("Median(%v) = %v, %v; want %v, %v", c.ds, got, ok, c.want, c.ok)
		}
		for i := range in {
			if in[i] != c.ds[i] {
				t.Errorf("Median reordered its input: %v", c.ds)
			}
		}
	}
}

func TestCompareToMedian(t *testing.T) {
	m := time.Minute
	base := []time.Duration{11 * m, 12 * m, 13 * m}
	for _, c := range []struct {
		d    time.Duration
		base []time.Duration
		want string
	}{
		{168 * time.Second * 6, base, "+40% vs median 12m"},
		{12 * m, base, "+0% vs median 12m"},
		{9 * m, base, "-25% vs median 12m"},
		{2 * m, []time.Duration{4*m + 10*time.Second}, "-52% vs median 4m10s"},
		{5 * m, nil, "no baseline"},
		{5 * m, []time.Duration{0}, "no baseline"},
	} {
		if got := CompareToMedian(c.d, c.base); got != c.want {
			t.Errorf("CompareToMedian(%v, %v) = %q, want %q", c.d, c.base, got, c.want)
		}
	}
}
