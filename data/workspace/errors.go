package workspace

import (
	"context"
	"errors"
	"net"
	"net/url"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/config"
)

// Kinds of failure callers can test with errors.Is. The SDK's own errors stay in the chain
// too (errors.Is(err, apierr.ErrResourceDoesNotExist) still works).
var (
	// ErrNotFound: the job, run, pipeline, update or file does not exist (or is not visible).
	ErrNotFound = errors.New("not found")
	// ErrPermissionDenied: the workspace refused the call for this user.
	ErrPermissionDenied = errors.New("permission denied")
	// ErrUnauthenticated: no usable credentials, or the workspace rejected them.
	ErrUnauthenticated = errors.New("not signed in to the workspace")
	// ErrInvalidInput: the request was malformed or refused as invalid.
	ErrInvalidInput = errors.New("invalid input")
	// ErrUnavailable: the workspace did not answer in time, could not be reached, or is
	// overloaded; retrying later may help.
	ErrUnavailable = errors.New("workspace unavailable")
)

// Error is a failed call: what was being done, the kind of failure, and the cause.
type Error struct {
	Op   string // e.g. "listing runs since 2026-11-23T10:00:00Z"
	Kind error  // one of the Err* sentinels, or nil when none applies
	Err  error
}

func (e *Error) Error() string { return e.Op + ": " + e.Err.Error() }

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Err}
	}
	return []error{e.Kind, e.Err}
}

// wrap gives err its context and kind; nil stays nil.
func wrap(err error, op string) error {
	if err == nil {
		return nil
	}
	var we *Error
	if errors.As(err, &we) {
		return &Error{Op: op, Kind: we.Kind, Err: err}
	}
	return &Error{Op: op, Kind: kindOf(err), Err: err}
}

// kindOf classifies an error of the SDK or of the network.
func kindOf(err error) error {
	switch {
	case errors.Is(err, apierr.ErrUnauthenticated), errors.Is(err, config.ErrCannotConfigureDefault):
		return ErrUnauthenticated
	case errors.Is(err, apierr.ErrPermissionDenied):
		return ErrPermissionDenied
	case errors.Is(err, apierr.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, apierr.ErrBadRequest):
		return ErrInvalidInput
	case errors.Is(err, apierr.ErrTemporarilyUnavailable), errors.Is(err, apierr.ErrTooManyRequests),
		errors.Is(err, apierr.ErrDeadlineExceeded), errors.Is(err, apierr.ErrInternalError),
		errors.Is(err, context.DeadlineExceeded):
		return ErrUnavailable
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		return ErrUnavailable
	}
	return nil
}
