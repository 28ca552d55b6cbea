package themes

import (
	"fmt"
	"strings"
)

// Auto is the theme name that follows the terminal's background (dark or light).
const Auto = "auto"

// names lists the themes in the order help and errors show them.
var names = []string{Auto, "dark", "light", "high-contrast", "mono"}

// Names are the valid theme names, auto first.
func Names() []string { return append([]string(nil), names...) }

// ByName returns the named theme. "auto" (and "") give Dark: a caller that knows the
// background uses Pick instead. The error lists the valid names.
func ByName(name string) (*Theme, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", Auto, "dark":
		return Dark(), nil
	case "light":
		return Light(), nil
	case "high-contrast", "highcontrast", "contrast":
		return HighContrast(), nil
	case "mono", "none", "no-color":
		return Mono(), nil
	}
	return nil, fmt.Errorf("unknown theme %q: use %s", name, strings.Join(names, ", "))
}

// Pick chooses the theme to draw with: Mono whenever colour is refused (NO_COLOR or
// --no-color), whatever the name says; for auto (or an empty or unknown name) Dark or
// Light after the terminal's background; otherwise the named theme.
func Pick(name string, noColor bool, darkBackground bool) *Theme {
	if noColor {
		return Mono()
	}
	if n := strings.ToLower(strings.TrimSpace(name)); n != "" && n != Auto {
		if t, err := ByName(n); err == nil {
			return t
		}
	}
	if darkBackground {
		return Dark()
	}
	return Light()
}
