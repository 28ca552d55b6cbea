package ui

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// FormatDuration writes a duration the way the cockpit's columns show it: short, with the
// precision that matters at its size ("42s", "4m12s", "12m", "3h05m", "2d04h"); from ten
// minutes on it is rounded to the nearest minute.
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	if s < 10*60 {
		if s < 60 {
			return fmt.Sprintf("%ds", s)
		}
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	m := (s + 30) / 60
	switch {
	case m < 60:
		return fmt.Sprintf("%dm", m)
	case m < 24*60:
		return fmt.Sprintf("%dh%02dm", m/60, m%60)
	}
	return fmt.Sprintf("%dd%02dh", m/(24*60), m%(24*60)/60)
}

// FormatAge says how long before now t was, coarsely ("just now", "35m ago", "5h ago",
// "3d ago"); a t after now reads "in 5m".
func FormatAge(now, t time.Time) string {
	d := now.Sub(t)
	suffix, prefix := " ago", ""
	if d < 0 {
		d, suffix, prefix = -d, "", "in "
	}
	switch {
	case d < time.Minute:
		if prefix != "" {
			return "in <1m"
		}
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%s%dm%s", prefix, int(d/time.Minute), suffix)
	case d < 48*time.Hour:
		return fmt.Sprintf("%s%dh%s", prefix, int(d/time.Hour), suffix)
	default:
		return fmt.Sprintf("%s%dd%s", prefix, int(d/(24*time.Hour)), suffix)
	}
}

// Median is the middle of a set of durations (the mean of the two middle ones for an even
// count); ok is false for an empty set. The input is not reordered.
func Median(ds []time.Duration) (m time.Duration, ok bool) {
	if len(ds) == 0 {
		return 0, false
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return s[n/2-1] + (s[n/2]-s[n/2-1])/2, true
}

// AgainstMedian is how much longer (positive) or shorter a duration is than a median, in
// whole percent; ok is false when the median is not positive.
func AgainstMedian(d, median time.Duration) (pct int, ok bool) {
	if median <= 0 {
		return 0, false
	}
	return int(math.Round(100 * float64(d-median) / float64(median))), true
}

// CompareToMedian writes a duration against the median of a baseline: "+40% vs median 12m",
// "-5% vs median 4m10s", "+0% vs median 12m", or "no baseline" when there is none.
func CompareToMedian(d time.Duration, baseline []time.Duration) string {
	m, ok := Median(baseline)
	if !ok {
		return "no baseline"
	}
	pct, ok := AgainstMedian(d, m)
	if !ok {
		return "no baseline"
	}
	sign := "+"
	if pct < 0 {
		sign, pct = "-", -pct
	}
	return fmt.Sprintf("%s%d%% vs median %s", sign, pct, FormatDuration(m))
}
