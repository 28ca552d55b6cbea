//go:build !nosim

package main

// withSim: this build carries the simulated workspace (cockpit demo).
const withSim = true
