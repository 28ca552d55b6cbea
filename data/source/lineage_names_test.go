//go:build !nosim

package source

import (
	"context"
	"testing"
)

// The incident's lineage comes in one statement with its consumers' job and pipeline names,
// the names the workspace's jobs and pipelines have (ResourceNames, which the tree used to
// ask in a second statement after the rows).
func TestTheLineageComesWithItsConsumersNamesInOneStatement(t *testing.T) {
	s := openDemo(t)
	ctx := context.Background()
	inc := failingIncident(t, s)
	before := s.Usage()
	lin, _, err := s.Lineage(ctx, "prod", inc.Deployment)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Usage().Since(before).Envs["prod"].Statements; n != 1 {
		t.Errorf("the lineage cost %d statements, want 1", n)
	}
	var ids []string
	for _, l := range lin {
		if l.Consumer != "" {
			ids = append(ids, l.Consumer)
		}
	}
	if len(ids) == 0 {
		t.Fatal("the incident's lineage has no consumer: the test proves nothing")
	}
	e := s.envs["prod"]
	names, err := e.Store.ResourceNames(ctx, e.Env, ids)
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, l := range lin {
		if l.Consumer == "" {
			continue
		}
		if l.ConsumerName != names[l.Consumer] {
			t.Errorf("consumer %s is named %q, its job or pipeline %q", l.Consumer, l.ConsumerName, names[l.Consumer])
		}
		if l.ConsumerName != "" {
			named++
		}
	}
	if named == 0 {
		t.Errorf("none of the %d consumers is named", len(ids))
	}
}
