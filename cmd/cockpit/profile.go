package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole process to the file COCKPIT_CPUPROFILE names
// (for measuring start-up and idle cost with `go tool pprof`); without it, nothing happens.
// The returned function stops the profile and closes the file.
func startProfile(stderr io.Writer) func() {
	path := os.Getenv("COCKPIT_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cockpit: COCKPIT_CPUPROFILE: %v (going on without a profile)\n", err)
		if f != nil {
			f.Close()
		}
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
