//go:build !nosim

package source

import (
	"errors"

	"github.com/release-cockpit/cockpit/data/sim"
)

// DemoRESTFault makes the simulated workspace this source serves answer every REST call
// with status (429 or 503) until it is called with 0: a storm whose retries the SDK
// exhausts (tests). A source that does not serve the simulation refuses.
func (s *Source) DemoRESTFault(status int) error {
	sm, ok := s.demo.(*sim.Sim)
	if !ok {
		return errors.New("only a source serving the simulation can inject REST faults")
	}
	return sm.SetRESTFault(status)
}
