package model

import (
	"reflect"
	"testing"
	"time"
)

func TestSortRunsListsFailedThenRunningThenTheRestEachNewestFirst(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	type item struct {
		name           string
		failed, active bool
		start          time.Time
	}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	cases := []struct {
		name string
		in   []item
		want []string
	}{
		{"newest first when nothing failed or runs", []item{{"a", false, false, at(1)}, {"b", false, false, at(3)}, {"c", false, false, at(2)}}, []string{"b", "c", "a"}},
		{"an older failure comes before newer successes", []item{{"ok1", false, false, at(5)}, {"bad", true, false, at(1)}, {"ok2", false, false, at(4)}}, []string{"bad", "ok1", "ok2"}},
		{"failed, then running, then the rest", []item{{"ok", false, false, at(9)}, {"run", false, true, at(8)}, {"bad1", true, false, at(2)}, {"bad2", true, false, at(3)}}, []string{"bad2", "bad1", "run", "ok"}},
		{"one start keeps the given order", []item{{"x", false, false, at(1)}, {"y", false, false, at(1)}}, []string{"x", "y"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items := append([]item(nil), tc.in...)
			SortRuns(items, func(i item) (bool, bool, time.Time) { return i.failed, i.active, i.start })
			var got []string
			for _, i := range items {
				got = append(got, i.name)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
