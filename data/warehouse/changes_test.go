package warehouse

import (
	"context"
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// The scripted incident's release adds its backfill pipeline: its settings list it and the
// previous deployment's do not; every job of the bundle is there at both deployments, with
// its tasks, schedule and timeout.
func TestDeploymentSettingsOfTheIncidentShowItsAddedPipeline(t *testing.T) {
	s := testStore(t)
	d := incident(t, s)
	got, err := s.DeploymentSettings(context.Background(), prod, d)
	if err != nil {
		t.Fatal(err)
	}
	if !got.HasPrevious || got.PreviousRelease == "" || got.PreviousRelease == d.Release.ID() || len(got.PreviousSHA) != 40 {
		t.Fatalf("previous deployment: %+v", got)
	}
	if !strings.HasSuffix(got.MetadataPath, "/.bundle/"+sim.IncidentBundle+"/prod/state/metadata.json") {
		t.Errorf("metadata path %q", got.MetadataPath)
	}
	find := func(list []model.ResourceSettings, name string) *model.ResourceSettings {
		for i := range list {
			if strings.Contains(list[i].Name, name) {
				return &list[i]
			}
		}
		return nil
	}
	if find(got.Current, "client-backfill") == nil || find(got.Previous, "client-backfill") != nil {
		t.Errorf("the backfill pipeline should be in this deployment only:\nnow    %+v\nbefore %+v", got.Current, got.Previous)
	}
	jobs := 0
	for _, r := range got.Current {
		if r.Type != model.ResourceJob {
			continue
		}
		jobs++
		if len(r.Tasks) == 0 || r.Schedule == "" || r.TimeoutSeconds == 0 || r.RunAs == "" || r.Tags["bundle"] != sim.IncidentBundle || len(r.Health) != 1 {
			t.Errorf("job settings incomplete: %+v", r)
		}
	}
	if jobs != 5 || len(got.Current) != 8 || len(got.Previous) != 7 {
		t.Errorf("%d jobs, %d resources now, %d before; want 5 jobs, 8 and 7", jobs, len(got.Current), len(got.Previous))
	}
	p := find(got.Current, "client-backfill")
	if p != nil && (p.Settings["channel"] != "CURRENT" || p.Settings["configuration.bundle.sourcePath"] == "") {
		t.Errorf("pipeline settings: %+v", p.Settings)
	}
	c := model.BuildChanges(got.PreviousRelease, got.PreviousAt, got.PreviousSHA, d.Release.GitSHA, "", got.Previous, got.Current, true)
	if a, r, _, _ := c.Counts(); a != 1 || r != 0 || c.Resources[0].Change != model.ChangeAdded || !strings.Contains(c.Resources[0].Name, "client-backfill") {
		t.Errorf("changes: %s, first %+v", c.Summary(), c.Resources[0])
	}
}
