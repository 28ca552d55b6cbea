//go:build nosim

package main

// withSim: a nosim build (static, for bastions) has no simulated workspace.
const withSim = false
