// Package workspace talks to a Databricks workspace through databricks-sdk-go; no UI, no SQL.
//
// It reads the live state that the system tables do not have yet (the runs feed, pipelines
// and their updates and events), who the user is and what they may do, bundle metadata in
// workspace files, and starts job runs. Every function takes a context whose deadline the
// caller sets, returns plain structs, and wraps failures so that callers can test them
// with errors.Is against ErrNotFound, ErrPermissionDenied, ErrUnauthenticated,
// ErrInvalidInput and ErrUnavailable. It never writes to the terminal and never logs
// credentials.
package workspace

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/client"
	"github.com/databricks/databricks-sdk-go/config"
)

// Config says which workspace to talk to and how to sign in. Empty fields fall back to the
// SDK's unified authentication: the DATABRICKS_* environment variables, then the profile
// (DATABRICKS_CONFIG_PROFILE, or DEFAULT) of ~/.databrickscfg.
type Config struct {
	// Profile names a section of the configuration file, as in the Databricks CLI.
	Profile string
	// Host is the workspace URL, e.g. https://adb-123.4.azuredatabricks.net.
	Host string
	// Token is a personal access token; with Host it skips the configuration file.
	Token string
	// ConfigFile replaces ~/.databrickscfg.
	ConfigFile string
	// Transport, when set, carries every HTTP request of the client (the source counts
	// REST calls with it); nil: the SDK's own.
	Transport http.RoundTripper
}

// Client is a connection to one workspace. It is safe for concurrent use.
type Client struct {
	w *databricks.WorkspaceClient
	// api is the SDK's raw client, for the calls whose typed models drop fields we need
	// and for the pages read one a call (pages.go).
	api *client.DatabricksClient
	// lists is a raw client of its own for the whole lists (the runs feed, the pipelines)
	// that wire.go decodes: they keep the rate budget they had on w's client (each SDK
	// client allows itself 15 requests a second, and at start the events pages use up
	// api's).
	lists *client.DatabricksClient
}

// Open resolves the configuration (profile, environment, explicit host and token) and
// returns a client. It makes no API call: credentials are first used, and checked, by the
// first call that needs them. The SDK's host discovery request is bounded by ctx.
func Open(ctx context.Context, c Config) (*Client, error) {
	cfg := &databricks.Config{Profile: c.Profile, Host: c.Host, Token: c.Token, ConfigFile: c.ConfigFile, HTTPTransport: c.Transport}
	// The SDK asks the host for /.well-known/databricks-config while resolving, with retries
	// and no context of ours; run that request under the caller's deadline instead.
	sdkCfg := (*config.Config)(cfg)
	sdkCfg.HostMetadataResolver = func(_ context.Context, host string) (*config.HostMetadata, error) {
		return sdkCfg.DefaultHostMetadataResolver()(ctx, host)
	}
	w, err := databricks.NewWorkspaceClient(cfg)
	if err != nil {
		return nil, &Error{Op: "configuring the Databricks workspace client", Kind: ErrInvalidInput, Err: err}
	}
	api, err := client.New(w.Config)
	if err == nil {
		var lists *client.DatabricksClient
		if lists, err = client.New(w.Config); err == nil {
			return &Client{w: w, api: api, lists: lists}, nil
		}
	}
	return nil, &Error{Op: "configuring the Databricks workspace client", Kind: ErrInvalidInput, Err: err}
}

// Config is the SDK configuration, resolved; it authenticates HTTP requests, so it can be
// handed to databricks-sql-go (dbsql.WithAuthenticator) to reuse the same credentials.
func (c *Client) Config() *config.Config { return c.w.Config }

// Host is the workspace URL the client talks to (normalized while resolving the config).
func (c *Client) Host() string { return c.w.Config.Host }

// checkID refuses ids that could escape the URL path or a filter: pipeline and update ids
// are UUIDs, so letters, digits and dashes are all they need.
func checkID(what, id string) error {
	if id == "" {
		return &Error{Op: "checking the " + what, Kind: ErrInvalidInput, Err: errors.New("the " + what + " is empty")}
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return &Error{Op: "checking the " + what, Kind: ErrInvalidInput,
				Err: fmt.Errorf("%s %q has a character other than letters, digits and '-'", what, id)}
		}
	}
	return nil
}
