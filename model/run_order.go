package model

import (
	"sort"
	"time"
)

// RunRank places a job run or pipeline update in a release's Runs tab: what failed first
// (0), then what is still running (1), then the rest (2).
func RunRank(failed, active bool) int {
	switch {
	case failed:
		return 0
	case active:
		return 1
	}
	return 2
}

// SortRuns orders the Runs tab's items, job runs and pipeline updates alike, by RunRank,
// each group newest first; of one start, the order given is kept. key reads an item.
func SortRuns[T any](items []T, key func(T) (failed, active bool, start time.Time)) {
	sort.SliceStable(items, func(i, j int) bool {
		fi, ai, si := key(items[i])
		fj, aj, sj := key(items[j])
		if ri, rj := RunRank(fi, ai), RunRank(fj, aj); ri != rj {
			return ri < rj
		}
		return si.After(sj)
	})
}
