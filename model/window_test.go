package model

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func TestWindowsCloseOnlyOnTheSameBundleAndEnvironment(t *testing.T) {
	ls := []Landing{
		{Bundle: "a", Environment: "prod", At: at(60), ID: "3"},
		{Bundle: "a", Environment: "prod", At: at(0), ID: "1"},
		{Bundle: "a", Environment: "staging", At: at(30), ID: "2"},
		{Bundle: "b", Environment: "prod", At: at(10), ID: "4"},
		{Bundle: "a", Environment: "prod", At: at(120), ID: "5"},
	}
	got := Windows(ls)
	want := []Window{
		{Start: at(60), End: at(120)},
		{Start: at(0), End: at(60)},
		{Start: at(30)},
		{Start: at(10)},
		{Start: at(120)},
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Errorf("deployment %s: window %v..%v, want %v..%v", ls[i].ID, got[i].Start, got[i].End, want[i].Start, want[i].End)
		}
	}
}

func TestWindowsAtTheSameInstantGiveTheEarlierIDAnEmptyWindow(t *testing.T) {
	ls := []Landing{{Bundle: "a", Environment: "prod", At: at(0), ID: "b"}, {Bundle: "a", Environment: "prod", At: at(0), ID: "a"}}
	got := Windows(ls)
	if !got[1].End.Equal(at(0)) || !got[0].Open() {
		t.Fatalf("got %+v", got)
	}
	if got[1].Contains(at(0)) {
		t.Error("an empty window must contain nothing")
	}
}

func TestWindowContains(t *testing.T) {
	closed := Window{Start: at(0), End: at(60)}
	open := Window{Start: at(0)}
	cases := []struct {
		name string
		w    Window
		t    time.Time
		want bool
	}{
		{"before start", closed, at(-1), false},
		{"at start is inside", closed, at(0), true},
		{"inside", closed, at(59), true},
		{"at end belongs to the next deployment", closed, at(60), false},
		{"open window holds the future", open, at(10000), true},
		{"open window still has a start", open, at(-1), false},
	}
	for _, c := range cases {
		if got := c.w.Contains(c.t); got != c.want {
			t.Errorf("%s: Contains=%v, want %v", c.name, got, c.want)
		}
	}
	if !open.EndOr(at(5)).Equal(at(5)) || !closed.EndOr(at(5)).Equal(at(60)) {
		t.Error("EndOr must return now for an open window and End for a closed one")
	}
}

func TestParseReleaseID(t *testing.T) {
	cases := []struct {
		in, bundle, version string
		ok                  bool
	}{
		{"ecommerce_silver@1.4.2", "ecommerce_silver", "1.4.2", true},
		{"a@b@c", "a@b", "c", true},
		{"nover@", "", "", false},
		{"@1.0", "", "", false},
		{"plain", "", "", false},
	}
	for _, c := range cases {
		b, v, err := ParseReleaseID(c.in)
		if (err == nil) != c.ok || b != c.bundle || v != c.version {
			t.Errorf("ParseReleaseID(%q) = %q, %q, %v", c.in, b, v, err)
		}
	}
	if got := (Release{Bundle: "x", Version: "2"}).ID(); got != "x@2" {
		t.Errorf("ID = %q", got)
	}
}
