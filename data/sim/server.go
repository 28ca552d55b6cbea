package sim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/data/sim/sqlwire"
)

// Server answers the Databricks REST API for one simulated workspace on a loopback port.
// It reads the estate's tables (rows of its workspace only) and "now" from the simulation's
// clock; run-now is the only call that writes. Every call needs a bearer token of one of the
// simulation's users (Users); errors have Databricks' shape, {"error_code", "message"}, and
// status, so the SDK maps them to its apierr sentinels as it would against a real workspace.
type Server struct {
	sim  *Sim
	wsid string
	url  string
	http *http.Server
	mux  *http.ServeMux

	// warehouse answers databricks-sql-go at WarehousePath.
	warehouse *sqlwire.Endpoint

	// runNow serializes run-now so that two requests with one idempotency token start one run.
	runNow sync.Mutex

	closeOnce sync.Once
	closeErr  error
	stop      func() bool
}

// Serve starts answering the REST API of the workspace workspaceID (see Workspaces) on
// 127.0.0.1 at a free port. The server stops when ctx is done or Close is called.
func (s *Sim) Serve(ctx context.Context, workspaceID string) (*Server, error) {
	known := false
	for _, w := range s.Workspaces() {
		known = known || w.ID == workspaceID
	}
	if !known {
		return nil, fmt.Errorf("serving the simulated workspace: no workspace %q", workspaceID)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("serving the simulated workspace %s: %w", workspaceID, err)
	}
	srv := &Server{sim: s, wsid: workspaceID, url: "http://" + ln.Addr().String(), mux: http.NewServeMux(), warehouse: sqlwire.New(s.db)}
	srv.routes()
	srv.http = &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		// net/http would otherwise log to stderr, under the TUI.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = srv.http.Serve(ln) }()
	srv.stop = context.AfterFunc(ctx, func() { _ = srv.Close() })
	return srv, nil
}

// URL is the server's base URL, the host to give the SDK.
func (srv *Server) URL() string { return srv.url }

// WorkspaceID is the workspace the server answers for.
func (srv *Server) WorkspaceID() string { return srv.wsid }

// Close stops the server and closes its connections.
func (srv *Server) Close() error {
	srv.closeOnce.Do(func() {
		srv.stop()
		srv.closeErr = srv.http.Close()
	})
	return srv.closeErr
}

// handler is one endpoint: it writes a response or returns an error (an *apiError, or
// anything else, which becomes a 500).
type handler func(w http.ResponseWriter, r *http.Request, u User) error

// routes registers the endpoints the simulation answers; anything else is
// ENDPOINT_NOT_FOUND (see ServeHTTP).
func (srv *Server) routes() {
	for pattern, h := range map[string]handler{
		"GET /api/2.2/jobs/runs/list":                     srv.listRuns,
		"GET /api/2.2/jobs/runs/get":                      srv.getRun,
		"POST /api/2.2/jobs/run-now":                      srv.runNowHandler,
		"GET /api/2.2/jobs/get":                           srv.getJob,
		"GET /api/2.0/pipelines":                          srv.listPipelines,
		"GET /api/2.0/pipelines/{id}":                     srv.getPipeline,
		"GET /api/2.0/pipelines/{id}/updates":             srv.listUpdates,
		"GET /api/2.0/pipelines/{id}/updates/{update_id}": srv.getUpdate,
		"GET /api/2.0/pipelines/{id}/events":              srv.listEvents,
		"GET /api/2.0/permissions/jobs/{id}":              srv.jobPermissions,
		"GET /api/2.0/permissions/pipelines/{id}":         srv.pipelinePermissions,
		"GET /api/2.0/preview/scim/v2/Me":                 srv.me,
		"GET /api/2.0/preview/scim/v2/Users":              srv.listUsers,
		"GET /api/2.0/preview/scim/v2/ServicePrincipals":  srv.listUsers,
		"GET /api/2.0/workspace/export":                   srv.export,
		"GET /api/2.0/workspace/get-status":               srv.getStatus,
		"POST /sql/1.0/warehouses/{id}":                   srv.sqlWarehouse,
		"GET /api/2.0/bundle/deployments":                 srv.listBundleDeployments,
		"GET /api/2.0/bundle/deployments/{id}":            srv.getBundleDeployment,
		"GET /api/2.0/bundle/deployments/{id}/versions":   srv.listBundleVersions,
		"GET /api/2.0/bundle/deployments/{id}/resources":  srv.listBundleResources,
	} {
		srv.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			u, _ := r.Context().Value(userKey{}).(User)
			if err := h(w, r, u); err != nil {
				writeError(w, err)
			}
		})
	}
}

type userKey struct{}

// ServeHTTP authenticates the caller and routes the request.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/.well-known/databricks-config" && r.Method == http.MethodGet {
		// The SDK asks for this, unauthenticated, while resolving its configuration.
		writeJSON(w, http.StatusOK, map[string]any{
			"workspace_id":  srv.wsid,
			"cloud":         "AWS",
			"host_type":     "WORKSPACE_HOST",
			"oidc_endpoint": srv.url + "/oidc",
		})
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		writeError(w, &apiError{http.StatusUnauthorized, "UNAUTHENTICATED", "Unable to authenticate: no bearer token in the Authorization header."})
		return
	}
	u, ok := UserByToken(token)
	if !ok {
		writeError(w, &apiError{http.StatusUnauthorized, "UNAUTHENTICATED", "Invalid access token."})
		return
	}
	if srv.sim.stormed(w, r) {
		return
	}
	if _, pattern := srv.mux.Handler(r); pattern == "" {
		writeError(w, &apiError{http.StatusNotFound, "ENDPOINT_NOT_FOUND", fmt.Sprintf("No API found for '%s %s'", r.Method, r.URL.Path)})
		return
	}
	srv.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
}

// apiError is an error response of the REST API.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "INVALID_PARAMETER_VALUE", fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return &apiError{http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) *apiError {
	return &apiError{http.StatusForbidden, "PERMISSION_DENIED", fmt.Sprintf(format, args...)}
}

func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{http.StatusInternalServerError, "INTERNAL_ERROR", err.Error()}
	}
	writeJSON(w, ae.status, map[string]string{"error_code": ae.code, "message": ae.message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error_code":"INTERNAL_ERROR","message":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// queryInt reads an optional integer query parameter, def when absent.
func queryInt(r *http.Request, name string, def int64) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, badRequest("Invalid value for %s: %q is not an integer.", name, v)
	}
	return n, nil
}

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest("Invalid value for %s: %q is not a boolean.", name, v)
	}
	return b, nil
}

// ms is epoch milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// placeholders returns "?, ?, ..." for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// encodeToken makes an opaque page token of a cursor.
func encodeToken(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken reads a page token made by encodeToken.
func decodeToken(tok string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
