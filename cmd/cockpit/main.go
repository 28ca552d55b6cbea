// Command cockpit is Release Cockpit: a terminal UI and CLI for Databricks releases. It lists
// releases per environment with their health, drills into the runs, updates, expectations
// and lineage correlated with each, and records and verifies deployments for CI.
//
// This package is wiring only: flags, configuration, which backend (a real workspace or the
// simulation), and how results and errors are printed.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/release-cockpit/cockpit/data/source"
)

// Exit codes: 0 ok, 1 the operation failed, 2 the input was wrong (flags, config, profile,
// environment) or the warehouse could not be reached.
const (
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	stopProfile := startProfile(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}

// run executes the command line and returns the exit code. Errors are printed once, on one
// line, with what to do next; never a stack trace.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRootCommand(stdout, stderr)
	cmd.SetArgs(demoShortForm(args))
	if err := cmd.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "cockpit: "+oneLine(err))
		var u *usageError
		if errors.As(err, &u) || errors.Is(err, source.ErrInput) || isFlagError(err) {
			return exitUsage
		}
		return exitFailed
	}
	return 0
}

// demoShortForm makes "cockpit demo [verb ...]" the same as "cockpit --demo [verb ...]";
// "cockpit demo --help" stays the demo command's own help, which lists the demo's flags.
func demoShortForm(args []string) []string {
	if len(args) > 0 && args[0] == "demo" && !demoHelp(args) {
		return append([]string{"--demo"}, args[1:]...)
	}
	return args
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// usageError is an error in what the user asked for: exit code 2.
type usageError struct{ err error }

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

func usage(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

// asUsage marks an error as the user's to fix.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	var u *usageError
	if errors.As(err, &u) {
		return err
	}
	return &usageError{err}
}

func isFlagError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "invalid argument", "flag needs an argument", "unknown command", "required flag", "accepts ", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
