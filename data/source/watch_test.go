package source

import (
	"errors"
	"slices"
	"testing"

	"github.com/release-cockpit/cockpit/data/workspace"
)

// TestASweepReadsAPagePerStepAndSaysWhatAPassDidNotFind: a pass over a paged list reads one
// page per step from the token the last returned; when its last page is read, what it looked
// for and found on no page has ended; the next step begins a new pass; a failed read is
// returned as it is.
func TestASweepReadsAPagePerStepAndSaysWhatAPassDidNotFind(t *testing.T) {
	pages := map[string]struct {
		ids  []int64
		next string
	}{"": {[]int64{1, 2}, "b"}, "b": {[]int64{3, 4}, "c"}, "c": {[]int64{5}, ""}}
	var asked []string
	read := func(token string) ([]int64, string, error) {
		asked = append(asked, token)
		p := pages[token]
		return p.ids, p.next, nil
	}
	var sw sweep
	for i, want := range [][]int64{nil, nil, {9}} {
		if err := sw.step(read, []int64{2, 5, 9}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(sw.ended)
		if !slices.Equal(sw.ended, want) {
			t.Fatalf("after step %d the pass says %v ended, want %v", i+1, sw.ended, want)
		}
	}
	if !slices.Equal(asked, []string{"", "b", "c"}) {
		t.Fatalf("the steps asked for the pages %q, want one each in turn", asked)
	}
	// A new pass: it looks for what it is given now (the ids it began with, not later ones).
	sw.ended = nil
	for i, want := range [][]int64{nil, nil, {7, 100}} {
		if err := sw.step(read, []int64{3, 7, 100 + int64(i)}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(sw.ended)
		if !slices.Equal(sw.ended, want) {
			t.Fatalf("second pass, step %d: %v ended, want %v", i+1, sw.ended, want)
		}
	}
	// A token the API refuses (expired) begins a new pass at once, from the first page.
	sw = sweep{next: "b"}
	asked = nil
	expired := func(token string) ([]int64, string, error) {
		if token == "b" {
			asked = append(asked, token)
			return nil, "", &workspace.Error{Op: "listing", Kind: workspace.ErrInvalidInput, Err: errors.New("Invalid page_token.")}
		}
		return read(token)
	}
	if err := sw.step(expired, []int64{1}); err != nil {
		t.Fatalf("an expired token: %v, want a new pass", err)
	}
	if !slices.Equal(asked, []string{"b", ""}) || sw.next != "b" || !sw.looking[1] {
		t.Fatalf("after an expired token the step asked for %q and is at %q looking for %v, want the first page of a new pass", asked, sw.next, sw.looking)
	}
	boom := errors.New("503")
	if err := sw.step(func(string) ([]int64, string, error) { return nil, "", boom }, nil); !errors.Is(err, boom) {
		t.Fatalf("a failed read: %v, want it returned", err)
	}
}
