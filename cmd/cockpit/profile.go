package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

// startProfile writes a CPU profile of the whole process to the file COCKPIT_CPUPROFILE names
// (for measuring start-up and idle cost with `go tool pprof`); without it, nothing happens.
// COCKPIT_CPUPROFILE_AFTER (a duration such as 75s) starts the profile that long after the
// start, so that it shows an idle cockpit without its start-up. The returned function stops
// the profile and closes the file.
func startProfile(stderr io.Writer) func() {
	path := os.Getenv("COCKPIT_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	var after time.Duration
	if s := os.Getenv("COCKPIT_CPUPROFILE_AFTER"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			fmt.Fprintf(stderr, "cockpit: COCKPIT_CPUPROFILE_AFTER %q is not a duration such as 75s (profiling from the start)\n", s)
		} else {
			after = d
		}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "cockpit: COCKPIT_CPUPROFILE: %v (going on without a profile)\n", err)
		return func() {}
	}
	var mu sync.Mutex
	started, stopped := false, false
	start := func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "cockpit: COCKPIT_CPUPROFILE: %v (going on without a profile)\n", err)
			return
		}
		started = true
	}
	var timer *time.Timer
	if after > 0 {
		timer = time.AfterFunc(after, start)
	} else {
		start()
	}
	return func() {
		if timer != nil {
			timer.Stop()
		}
		mu.Lock()
		defer mu.Unlock()
		if started {
			pprof.StopCPUProfile()
		}
		stopped = true
		f.Close()
	}
}
