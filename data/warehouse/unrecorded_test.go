package warehouse

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
)

// A workspace whose ledger CI wrote for every bundle but one: the discovered deployments of
// that bundle supplement the ledger, each once, and every other bundle's deployments are the
// ledger's own, unchanged.
func TestDiscoverySupplementsTheLedgerForBundlesItNeverRecorded(t *testing.T) {
	ctx := context.Background()
	s, err := sim.Open(ctx, sim.Options{Seed: 13, Clock: func() time.Time { return now }, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ledger, err := NewStore(s.DB(), simTables(t), DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	before := listAll(t, ledger, prod)
	unwired := before[0].Release.Bundle
	// CI never recorded this bundle in prod: its events are not in the ledger.
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM sim.release_cockpit.release_events WHERE environment = 'prod' AND bundle = ?`, unwired); err != nil {
		t.Fatal(err)
	}
	after := listAll(t, ledger, prod)
	merged, err := ledger.Discovering(Discovery{Envs: func() []Env { return discoveryEnvs }, Since: func() time.Time { return now.Add(-10 * 24 * time.Hour) }, Unrecorded: true})
	if err != nil {
		t.Fatal(err)
	}
	if merged.Discovers() || !merged.DiscoversUnrecorded() {
		t.Fatal("a store supplementing its ledger says it reads no ledger")
	}
	got := listAll(t, merged, prod)

	recorded := map[string]bool{}
	for _, d := range after {
		recorded[d.ID] = true
	}
	wantUnwired := 0
	for _, d := range before {
		if d.Release.Bundle == unwired {
			wantUnwired++
		}
	}
	seen, discovered := map[string]bool{}, 0
	for _, d := range got {
		if seen[d.ID] {
			t.Errorf("%s listed twice", d.ID)
		}
		seen[d.ID] = true
		switch {
		case d.Release.Bundle == unwired:
			discovered++
			if !strings.HasPrefix(d.ID, DiscoveredPrefix) {
				t.Errorf("%s of the unrecorded bundle is not a discovered deployment", d.ID)
			}
		case strings.HasPrefix(d.ID, DiscoveredPrefix):
			t.Errorf("%s (%s) discovered although the ledger records its bundle", d.ID, d.Release.ID())
		case !recorded[d.ID]:
			t.Errorf("%s is not the ledger's", d.ID)
		}
	}
	if n := len(got) - discovered; n != len(after) {
		t.Errorf("%d of the ledger's %d deployments listed", n, len(after))
	}
	// Discovery finds a deploy within 2 minutes of the ledger's; the first deployments of a
	// 3-day estate may predate what the audit scan holds, so allow one fewer.
	if discovered < wantUnwired-1 || discovered > wantUnwired {
		t.Errorf("%d deployments of %s discovered, the ledger held %d", discovered, unwired, wantUnwired)
	}
	t.Logf("%s: %d discovered (the ledger held %d); %d of the ledger", unwired, discovered, wantUnwired, len(after))
}

// The statement of a store supplementing its ledger is kept, as sent, in a golden file per
// dialect: it reads the ledger's own tables and the discovered deployments, and nothing is
// left as a placeholder.
func TestUnrecordedDiscoveryMatchesItsGoldenFiles(t *testing.T) {
	for _, tg := range targets(t) {
		s, err := NewStore(nil, tg.tables, tg.dialect)
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.Discovering(Discovery{Envs: func() []Env { return discoveryEnvs }, Since: func() time.Time { return now.Add(-10 * 24 * time.Hour) }, Unrecorded: true})
		if err != nil {
			t.Fatal(err)
		}
		text := d.DiscoveredSQL(deploymentsPageSQL)
		ledger := tg.dialect.quoteName(tg.tables.Ledger + "." + ledgerEvents)
		if strings.Contains(text, "{{") || !strings.Contains(text, "FROM "+ledger+" AS l") || !strings.Contains(text, "FROM discovered_events AS d") {
			t.Errorf("%s: the ledger %s and the discovered deployments are not both read, or a placeholder is left:\n%s", tg.suffix, ledger, text)
		}
		golden(t, "unrecorded_page."+tg.suffix+".sql", text)
	}
}
