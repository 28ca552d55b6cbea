//go:build nosim

package source

import (
	"errors"
)

// DemoRESTFault: a nosim build serves no simulation.
func (s *Source) DemoRESTFault(int) error {
	return errors.New("this cockpit was built without the simulated workspace (nosim)")
}
