package warehouse

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func init() { statements["names"] = namesSQL }

func TestResourceNamesResolveJobsAndPipelinesOfTheEnvironmentOnly(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	d := incident(t, s)
	runs, _, err := s.DeploymentRuns(ctx, prod, d)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v", err)
	}
	updates, _, err := s.DeploymentUpdates(ctx, prod, d)
	if err != nil || len(updates) == 0 {
		t.Fatalf("updates: %v", err)
	}
	names, err := s.ResourceNames(ctx, prod, []string{runs[0].JobID, updates[0].PipelineID, runs[0].JobID, "no-such-id"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(names[runs[0].JobID], "prod-ecommerce-orders") || !strings.HasPrefix(names[updates[0].PipelineID], "prod-ecommerce-orders") {
		t.Errorf("names %v", names)
	}
	if _, ok := names["no-such-id"]; ok || len(names) != 2 {
		t.Errorf("unknown ids must be absent: %v", names)
	}
	// The same ids in another environment's workspace name nothing.
	other := Env{Name: "staging", WorkspaceID: "1"}
	if n, err := s.ResourceNames(ctx, other, []string{runs[0].JobID}); err != nil || len(n) != 0 {
		t.Errorf("another workspace: %v %v", n, err)
	}
	if _, err := s.ResourceNames(ctx, prod, []string{"a,b"}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("an id with a comma must be refused, got %v", err)
	}
}
