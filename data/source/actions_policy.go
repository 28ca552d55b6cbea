package source

import (
	"os"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/model"
)

// Policy is the release policy the actions are judged by: the simulation's on the demo;
// otherwise the configuration's policy file, or each environment's policy key.
func (s *Source) Policy() (model.Policy, error) {
	if s.policyOf != nil {
		return s.policyOf()
	}
	if s.cfg.PolicyFile == "" {
		return s.cfg.Policy(), nil
	}
	data, err := os.ReadFile(s.cfg.PolicyFile)
	if err != nil {
		return model.Policy{}, input("reading the policy file: %v", err)
	}
	p, err := config.ParsePolicy(s.cfg.PolicyFile, data)
	if err != nil {
		return model.Policy{}, input("%v", err)
	}
	if err := s.cfg.CheckPolicy(p); err != nil {
		return model.Policy{}, input("%v", err)
	}
	return p, nil
}
