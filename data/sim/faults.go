package sim

import (
	"fmt"
	"net/http"
	"strings"
)

// A storm of the REST API: while one is injected, every call of every simulated workspace
// except the SQL warehouse's answers 429 (REQUEST_LIMIT_EXCEEDED) or 503
// (TEMPORARILY_UNAVAILABLE) with Retry-After: 1, as Databricks does when it sheds load. The
// SDK retries such answers until its context ends, so a caller sees its retries exhausted.

// SetRESTFault starts a storm of status (429 or 503) on every REST call, or ends it (0).
func (s *Sim) SetRESTFault(status int) error {
	switch status {
	case 0, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		s.restFault.Store(int32(status))
		return nil
	}
	return fmt.Errorf("a REST storm answers 429 or 503, not %d", status)
}

// stormed answers r with the storm's status, if one is injected and r is a REST call (not
// the SQL warehouse's statements); it reports whether it did.
func (s *Sim) stormed(w http.ResponseWriter, r *http.Request) bool {
	status := int(s.restFault.Load())
	if status == 0 || strings.HasPrefix(r.URL.Path, "/sql/") {
		return false
	}
	w.Header().Set("Retry-After", "1")
	if status == http.StatusTooManyRequests {
		writeError(w, &apiError{status, "REQUEST_LIMIT_EXCEEDED", "Too many requests. Please wait a moment and try again."})
	} else {
		writeError(w, &apiError{status, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable. Please try again later."})
	}
	return true
}
