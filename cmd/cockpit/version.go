package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Stamped by a release build (scripts/release.sh):
//
//	-ldflags "-X main.version=v1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>"
//
// Where nothing was stamped, Go's build information fills them in: the module version for
// `go install …@v1.2.3`, the commit and its time for `go build -buildvcs=true` in a checkout.
var (
	version string
	commit  string
	date    string
)

// buildVersion is what a binary knows of where it came from.
type buildVersion struct {
	Version  string
	Commit   string
	Date     string
	Modified bool // built from a checkout with uncommitted changes
	Go       string
	Platform string
}

// currentVersion prefers the stamped values and falls back on the build information.
func currentVersion() buildVersion {
	v := buildVersion{Version: version, Commit: commit, Date: date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v = fromBuildInfo(v, bi)
	}
	if v.Version == "" {
		v.Version = "dev"
	}
	return v
}

// fromBuildInfo fills in what the stamp left empty.
func fromBuildInfo(v buildVersion, bi *debug.BuildInfo) buildVersion {
	if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	stamped := v.Commit != ""
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && v.Commit == "":
			v.Commit = s.Value
		case s.Key == "vcs.time" && v.Date == "":
			v.Date = s.Value
		case s.Key == "vcs.modified" && !stamped:
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func newVersionCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit it was built from and the build date",
		Long: `Print the version, the git commit and the date of this build. Release binaries carry
them stamped in; a "go build -buildvcs=true" in a git checkout carries the commit and its
time; a build without either says so.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprint(g.stdout, currentVersion().String())
			return nil
		},
	}
}

// String is the version block: one "key: value" line each, unknowns said as such.
func (v buildVersion) String() string {
	var b strings.Builder
	commit, date := v.Commit, v.Date
	if commit == "" {
		commit = "unknown (built without VCS information: use scripts/release.sh, or go build -buildvcs=true in a git checkout)"
	} else if v.Modified {
		commit += " (with uncommitted changes)"
	}
	if date == "" {
		date = "unknown"
	}
	fmt.Fprintf(&b, "version: %s\ncommit:  %s\nbuilt:   %s\ngo:      %s %s\n", v.Version, commit, date, v.Go, v.Platform)
	return b.String()
}
