package source

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/model"
)

// TestTheDemoAnswersAllTimeInEveryEnvironmentAtOnce is ":since 0" on the demo's home: the
// newest 1,000 deployments of each environment over the full 90 days, the three read side by
// side as the home reads them, under the embedded DuckDB's memory cap (which ran out when the
// six heaviest statements ran at once).
func TestTheDemoAnswersAllTimeInEveryEnvironmentAtOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	s, err := OpenDemo(ctx, config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 5, Now: testNow, Days: 90})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	const page = 1000 // the home's page (ui.homePage)
	var wg sync.WaitGroup
	for _, env := range s.Environments() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			l, err := s.ListAll(ctx, env, model.ListQuery{Limit: page})
			if err != nil {
				t.Errorf("%s, all time: %v", env, err)
				return
			}
			if len(l.Deployments) != page || l.Matching <= page {
				t.Errorf("%s, all time: %d deployments of %d, want the newest %d of more", env, len(l.Deployments), l.Matching, page)
			}
			t.Logf("%s: the newest %d of %d in %s", env, len(l.Deployments), l.Matching, time.Since(start).Round(time.Millisecond))
		}()
	}
	wg.Wait()
}
