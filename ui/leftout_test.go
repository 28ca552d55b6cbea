package ui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// Every tab whose reads leave rows out says so on one line (how many, why); the tabs whose
// reads keep every row (checks, the audit trail, the changes) say nothing of it.
func TestEveryReleaseTabSaysWhatItsReadsLeftOut(t *testing.T) {
	c, f := fakeCommon(themes.Mono())
	f.leftOut.Add(model.SkipNoRunID, "")
	f.leftOut.Add(model.SkipNoRunID, "")
	d := f.deployments["prod"][0]
	for tab := tabRuns; tab < relTabCount; tab++ {
		s := NewReleaseScreen(c, "prod", d).(*ReleaseScreen)
		s.SetSize(120, 40)
		cmd := s.Init()
		if tab != tabRuns {
			cmd = s.key(keyPress(strconv.Itoa(int(tab) + 1)))
		}
		if cmd == nil {
			t.Fatalf("%s: no load", tab)
		}
		s.Update(cmd())
		view := s.View()
		says := strings.Contains(view, "2 rows left out: no run id")
		switch tab {
		case tabChecks, tabAudit, tabChanges:
			if says {
				t.Errorf("%s keeps every row but says rows were left out:\n%s", tab, view)
			}
		default:
			if !says {
				t.Errorf("%s does not say its reads left 2 rows out:\n%s", tab, view)
			}
		}
	}
}
