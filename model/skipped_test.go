package model

import "testing"

func TestSkippedLineSaysHowManyRowsAndWhy(t *testing.T) {
	one := func(reasons ...string) Skipped {
		var s Skipped
		for _, r := range reasons {
			s.Add(r, "")
		}
		return s
	}
	cases := []struct {
		s    Skipped
		want string
	}{
		{Skipped{}, ""},
		{one(SkipNoRunID), "1 row left out: no run id"},
		{one(SkipNoRunID, SkipNoRunID), "2 rows left out: no run id"},
		{one(SkipNoStart, SkipNoRunID, SkipNoRunID), "3 rows left out: 2 no run id, 1 no start time"},
	}
	for _, c := range cases {
		if got := c.s.Line(); got != c.want {
			t.Errorf("Line() = %q, want %q", got, c.want)
		}
	}
	a, b := one(SkipNoRunID), one(SkipNoUpdateID, SkipNoRunID)
	a.Merge(b)
	if got := a.Line(); got != "3 rows left out: 2 no run id, 1 no update id" {
		t.Errorf("merged: %q", got)
	}
}
