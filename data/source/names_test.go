package source

import (
	"testing"

	"github.com/release-cockpit/cockpit/model"
)

// TestAnUpdateOnlyTheAPIKnowsIsNamedAfterItsPipelinesOtherUpdates: the warehouse's rows come
// named; a live update of the same pipeline takes that name, and only one of a pipeline
// without a named row makes the tab ask for names.
func TestAnUpdateOnlyTheAPIKnowsIsNamedAfterItsPipelinesOtherUpdates(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    []model.PipelineUpdate
		want  []string
		whole bool
	}{
		{"all named", []model.PipelineUpdate{{PipelineID: "p", Name: "orders"}}, []string{"orders"}, true},
		{"a live one of a named pipeline", []model.PipelineUpdate{{PipelineID: "p", Name: "orders"}, {PipelineID: "p", Live: true}}, []string{"orders", "orders"}, true},
		{"a live one of another pipeline", []model.PipelineUpdate{{PipelineID: "p", Name: "orders"}, {PipelineID: "q", Live: true}}, []string{"orders", ""}, false},
		{"none", nil, nil, true},
	} {
		got := nameFromRows(c.in)
		var names []string
		for _, u := range c.in {
			names = append(names, u.Name)
		}
		if got != c.whole || len(names) != len(c.want) {
			t.Errorf("%s: all named %v (%v), want %v (%v)", c.name, got, names, c.whole, c.want)
			continue
		}
		for i := range names {
			if names[i] != c.want[i] {
				t.Errorf("%s: names %v, want %v", c.name, names, c.want)
				break
			}
		}
	}
}
