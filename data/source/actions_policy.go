package source

import "github.com/release-cockpit/cockpit/model"

// Policy is the release policy the actions are judged by: the simulation's on the demo,
// otherwise the configuration's.
func (s *Source) Policy() (model.Policy, error) {
	if s.policyOf != nil {
		return s.policyOf()
	}
	return model.Policy{}, input("no release policy is configured: add a policy to the environments of %s (README: Policy and gates)", cfgName(s.cfg))
}
