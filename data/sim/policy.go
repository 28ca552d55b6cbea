package sim

import (
	"bytes"
	_ "embed"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/model"
)

//go:embed policy.yaml
var policyTemplate []byte

// FreezeLead is how long after now the simulated prod freeze starts (then for 24h).
const FreezeLead = 48 * time.Hour

// freezeZone is the zone the simulated freeze is written in.
const freezeZone = "Europe/Berlin"

// PolicyYAML is the simulation's policy file, data/sim/policy.yaml, with prod's freeze set to
// start FreezeLead after now, on the hour in Europe/Berlin, for 24h: upcoming, never active.
// The schedule is a yearly cron ("0 H D M *"), so the same bytes parse the same way in the
// cockpit and in `cockpit gate` a few seconds later.
func PolicyYAML(now time.Time) []byte {
	loc, err := time.LoadLocation(freezeZone) // config embeds the zone database
	if err != nil {
		loc = time.UTC
	}
	start := now.Add(FreezeLead).Truncate(time.Hour).In(loc)
	return bytes.ReplaceAll(policyTemplate, []byte("${PROD_FREEZE_SCHEDULE}"), []byte(start.Format("4 15 2 1 *")))
}

// Policy is the simulation's policy as of now (see PolicyYAML).
func Policy(now time.Time) (model.Policy, error) {
	return config.ParsePolicy("data/sim/policy.yaml", PolicyYAML(now))
}
