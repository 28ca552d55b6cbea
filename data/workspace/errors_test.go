package workspace_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/apierr"

	"github.com/release-cockpit/cockpit/data/workspace"
)

func TestOpenSignsInWithAProfileOfTheConfigFile(t *testing.T) {
	_, srv := estate(t)
	for _, k := range []string{"DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CONFIG_FILE"} {
		t.Setenv(k, "")
	}
	cfg := filepath.Join(t.TempDir(), "databrickscfg")
	body := "[prod-sim]\nhost = " + srv.URL() + "\ntoken = " + leadToken + "\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := workspace.Open(ctx(t), workspace.Config{Profile: "prod-sim", ConfigFile: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if c.Host() != srv.URL() {
		t.Errorf("host %q, want %q", c.Host(), srv.URL())
	}
	me, err := c.Me(ctx(t))
	if err != nil || me.UserName != "dana.okafor@example.com" {
		t.Errorf("signed in as %+v (%v), want the lead of the profile's token", me, err)
	}
	if _, err := workspace.Open(ctx(t), workspace.Config{Profile: "staging-typo", ConfigFile: cfg}); !errors.Is(err, workspace.ErrInvalidInput) {
		t.Errorf("unknown profile: got %v, want ErrInvalidInput", err)
	}
}

func TestABadTokenIsUnauthenticated(t *testing.T) {
	c := clientAs(t, "dapi-not-a-token")
	_, err := c.Me(ctx(t))
	if !errors.Is(err, workspace.ErrUnauthenticated) || !errors.Is(err, apierr.ErrUnauthenticated) {
		t.Errorf("got %v, want ErrUnauthenticated", err)
	}
	if _, err := c.RunsSince(ctx(t), fixedNow.Add(-time.Hour), workspace.RunsOptions{}); !errors.Is(err, workspace.ErrUnauthenticated) {
		t.Errorf("runs feed: got %v, want ErrUnauthenticated", err)
	}
}

func TestAWorkspaceThatDoesNotAnswerIsUnavailable(t *testing.T) {
	s, _ := estate(t)
	srv, err := s.Serve(context.Background(), prodWS)
	if err != nil {
		t.Fatal(err)
	}
	url := srv.URL()
	srv.Close()
	openCtx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	c, err := workspace.Open(openCtx, workspace.Config{Host: url, Token: oncallToken})
	if err != nil {
		t.Fatal(err)
	}
	callCtx, cancel2 := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel2()
	start := time.Now()
	_, err = c.Pipelines(callCtx)
	if !errors.Is(err, workspace.ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the call took %v despite a 500 ms deadline", d)
	}
}
