package sim

import (
	"context"
	"fmt"
	"net/http"
	"slices"
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

// FailNextDeploy makes the next deploy of bundle fail partly, on these resource keys (its
// first job when none is named), as InjectDeployFailure does, after checking that the
// bundle and the resources are the estate's: a typo in a demo flag says so instead of
// failing nothing. It returns the resources the deploy will fail on.
func (s *Sim) FailNextDeploy(ctx context.Context, bundle string, resources ...string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT resource_type, resource_key FROM sim.sim_internal.bundle_resources
WHERE bundle = ? ORDER BY resource_type, resource_key`, bundle)
	if err != nil {
		return nil, fmt.Errorf("reading the resources of %s: %w", bundle, err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var typ, key string
		if err := rows.Scan(&typ, &key); err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("the simulated estate has no bundle %q", bundle)
	}
	for _, r := range resources {
		if !slices.Contains(keys, r) {
			return nil, fmt.Errorf("bundle %s has no resource %q: its resources are %s", bundle, r, strings.Join(keys, ", "))
		}
	}
	if len(resources) == 0 {
		resources = keys[:1] // jobs sort before pipelines: its first job
	}
	s.InjectDeployFailure(bundle, resources...)
	return resources, nil
}
