package warehouse

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// now is the frozen clock of the test estate.
var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

var (
	prod    = Env{Name: "prod", WorkspaceID: sim.WorkspaceID("prod")}
	staging = Env{Name: "staging", WorkspaceID: sim.WorkspaceID("staging")}
)

// The estate is generated once per test binary: generation costs seconds.
var estate struct {
	once  sync.Once
	sim   *sim.Sim
	store *Store
	err   error
	ran   sync.Map // embedded statement text → true, from Store.trace
}

func testStore(t testing.TB) *Store {
	t.Helper()
	estate.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		s, err := sim.Open(ctx, sim.Options{Seed: 7, Clock: func() time.Time { return now }, Days: 3})
		if err != nil {
			estate.err = fmt.Errorf("opening the simulated estate: %w", err)
			return
		}
		st, err := NewStore(s.DB(), simTables(t), DuckDB)
		if err != nil {
			estate.err = err
			return
		}
		st.trace = func(text string) { estate.ran.Store(text, true) }
		estate.sim, estate.store = s, st
	})
	if estate.err != nil {
		t.Fatal(estate.err)
	}
	return estate.store
}

// TestMain closes the estate and, on a full run, fails if a statement of the package was
// never executed by any test.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if estate.sim != nil {
		if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
			var missing []string
			for name, text := range statements {
				if _, ok := estate.ran.Load(text); !ok {
					missing = append(missing, name)
				}
			}
			if len(missing) > 0 {
				sort.Strings(missing)
				fmt.Fprintf(os.Stderr, "FAIL: statements no test executed: %v\n", missing)
				code = 1
			}
		}
		estate.sim.Close()
	}
	if full.sim != nil {
		full.sim.Close()
	}
	os.Exit(code)
}

// allDeployments pages through every deployment of an environment.
func allDeployments(t *testing.T, s *Store, env Env, q DeploymentQuery) []model.Deployment {
	t.Helper()
	var out []model.Deployment
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("paging does not end")
		}
		p, err := s.ListDeployments(context.Background(), env, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Deployments...)
		if p.Next == nil {
			return out
		}
		q.After = p.Next
	}
}

// incident is the scripted prod incident's deployment, from the first page.
func incident(t *testing.T, s *Store) model.Deployment {
	t.Helper()
	p, err := s.ListDeployments(context.Background(), prod, DeploymentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Deployments {
		if d.Release.Bundle == sim.IncidentBundle && d.Current {
			return d
		}
	}
	t.Fatalf("the current %s deployment is not on prod's first page", sim.IncidentBundle)
	return model.Deployment{}
}

func hasTag(d model.Deployment, tag string) bool {
	for _, t := range d.Tags {
		if t == tag {
			return true
		}
	}
	return false
}
