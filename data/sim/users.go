package sim

import (
	"fmt"
	"strings"
)

// people of the simulation. Their rights differ (DESIGN §7): the on-call engineer may roll
// back prod but not promote, the release manager may promote, the lead may approve, CI's
// service principal runs the deployer jobs, and the viewer reads only.
var people = []User{
	{UserName: "priya.raman@example.com", DisplayName: "Priya Raman", ID: "4410021984412301", Token: "dapi-sim-oncall", Groups: []string{"data-eng", "oncall"}, Role: "oncall"},
	{UserName: "marco.bianchi@example.com", DisplayName: "Marco Bianchi", ID: "4410021984412302", Token: "dapi-sim-release-manager", Groups: []string{"data-eng", "release-managers"}, Role: "release-manager"},
	{UserName: "dana.okafor@example.com", DisplayName: "Dana Okafor", ID: "4410021984412303", Token: "dapi-sim-lead", Groups: []string{"data-eng", "leads"}, Role: "lead"},
	{UserName: "7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13", DisplayName: "ci-deployer", ID: "4410021984412304", Token: "dapi-sim-ci", Groups: []string{"deployers"}, Role: "ci"},
	{UserName: "sam.weller@example.com", DisplayName: "Sam Weller", ID: "4410021984412305", Token: "dapi-sim-viewer", Groups: []string{"readers"}, Role: "viewer"},
}

// Users lists the people and service principals of the simulation.
func Users() []User { return append([]User(nil), people...) }

// UserByToken finds who a bearer token signs in as.
func UserByToken(token string) (User, bool) {
	for _, u := range people {
		if u.Token == token {
			return u, true
		}
	}
	return User{}, false
}

// UserFor finds a user by role (oncall, release-manager, lead, ci, viewer) or user name; empty is the
// on-call engineer, the demo's default.
func UserFor(who string) (User, error) {
	if who == "" {
		return people[0], nil
	}
	names := make([]string, 0, len(people))
	for _, u := range people {
		if strings.EqualFold(u.Role, who) || strings.EqualFold(u.UserName, who) {
			return u, nil
		}
		names = append(names, u.Role)
	}
	return User{}, fmt.Errorf("no simulated user %q: use one of %s", who, strings.Join(names, ", "))
}

// humans are who CI and the cockpit record as deployers of ordinary releases.
var humans = []string{
	"priya.raman@example.com", "marco.bianchi@example.com", "dana.okafor@example.com",
	"lena.fischer@example.com", "tomas.herrera@example.com", "aiko.tanaka@example.com",
	"oliver.grant@example.com", "fatima.zahra@example.com",
}
