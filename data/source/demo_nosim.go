//go:build nosim

package source

import (
	"context"
	"io"
	"time"

	"github.com/release-cockpit/cockpit/config"
)

// DemoOptions choose the simulated estate (unused in a nosim build).
type DemoOptions struct {
	Path       string
	Seed       int64
	Now        time.Time
	Clock      func() time.Time
	Days       int
	As         string
	Progress   io.Writer
	Hostile    bool
	Log        io.Writer
	Lag        time.Duration
	Latency    time.Duration
	NoLedger   bool
	Unrecorded bool
	Scale      int
}

// DemoFormat is the simulated estate's file format (none in a nosim build).
const DemoFormat = ""

// OpenDemo: a nosim build (CGO_ENABLED=0, for bastions) carries no simulation.
func OpenDemo(context.Context, config.Config, DemoOptions) (*Source, error) {
	return nil, input("this cockpit was built without the simulated workspace (nosim): use a build with cgo for --demo")
}

// DemoFailDeploy: a nosim build serves no simulation.
func (s *Source) DemoFailDeploy(context.Context, string, ...string) ([]string, error) {
	return nil, input("this cockpit was built without the simulated workspace (nosim): --demo-fail-deploy needs a build with cgo")
}

// DemoScriptRun: a nosim build serves no simulation.
func (s *Source) DemoScriptRun(context.Context, string, string, string, time.Time, time.Time, string) (int64, error) {
	return 0, input("this cockpit was built without the simulated workspace (nosim): scripted runs need a build with cgo")
}

// DemoRecordDeploy: a nosim build serves no simulation.
func (s *Source) DemoRecordDeploy(context.Context, string, string, string, time.Time) (string, error) {
	return "", input("this cockpit was built without the simulated workspace (nosim)")
}
