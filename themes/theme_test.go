package themes

import (
	"reflect"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// styles returns every style of a theme by field name, so the tests cover fields added later.
func styles(t *Theme) map[string]lipgloss.Style {
	out := map[string]lipgloss.Style{}
	v := reflect.ValueOf(t).Elem()
	for i := 0; i < v.NumField(); i++ {
		if s, ok := v.Field(i).Interface().(lipgloss.Style); ok {
			out[v.Type().Field(i).Name] = s
		}
	}
	return out
}

// hasColour reports whether s holds an SGR colour sequence.
func hasColour(s string) bool {
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '\x1b' || r == '[' || r == 'm' || r == ';' }) {
		switch {
		case p == "38", p == "48", len(p) == 2 && (p[0] == '3' || p[0] == '4' || p[0] == '9') && p[1] >= '0' && p[1] <= '7':
			return true
		}
	}
	return false
}

func TestByNameReturnsEachThemeAndRejectsUnknownNamesListingTheValidOnes(t *testing.T) {
	tests := []struct {
		name, want string
		err        bool
	}{
		{"", "dark", false},
		{"auto", "dark", false},
		{"dark", "dark", false},
		{"Light", "light", false},
		{"high-contrast", "high-contrast", false},
		{" mono ", "mono", false},
		{"solarized", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th, err := ByName(tt.name)
			if tt.err {
				if err == nil {
					t.Fatalf("ByName(%q) = %v, want an error", tt.name, th.Name)
				}
				for _, n := range Names() {
					if !strings.Contains(err.Error(), n) {
						t.Errorf("error %q does not list %q", err, n)
					}
				}
				return
			}
			if err != nil || th.Name != tt.want {
				t.Fatalf("ByName(%q) = %v, %v; want %s", tt.name, th, err, tt.want)
			}
		})
	}
}

func TestPickHonoursNoColourThenTheNameThenTheBackground(t *testing.T) {
	tests := []struct {
		name    string
		noColor bool
		dark    bool
		want    string
	}{
		{"dark", true, true, "mono"},
		{"high-contrast", true, false, "mono"},
		{"auto", false, true, "dark"},
		{"auto", false, false, "light"},
		{"", false, false, "light"},
		{"light", false, true, "light"},
		{"high-contrast", false, true, "high-contrast"},
		{"mono", false, true, "mono"},
		{"unknown", false, true, "dark"},
	}
	for _, tt := range tests {
		if got := Pick(tt.name, tt.noColor, tt.dark).Name; got != tt.want {
			t.Errorf("Pick(%q, noColor=%v, dark=%v) = %s, want %s", tt.name, tt.noColor, tt.dark, got, tt.want)
		}
	}
}

func TestMonoDrawsNoColourInAnyStyle(t *testing.T) {
	for name, s := range styles(Mono()) {
		if out := s.Render("x"); hasColour(out) {
			t.Errorf("Mono().%s renders %q, which carries colour", name, out)
		}
	}
}

func TestColouredThemesSetStatusApartFromBodyText(t *testing.T) {
	for _, th := range []*Theme{Dark(), Light(), HighContrast()} {
		t.Run(th.Name, func(t *testing.T) {
			body := th.Base.Render("x")
			seen := map[string]string{}
			for _, f := range []struct {
				name string
				s    lipgloss.Style
			}{{"Healthy", th.Healthy}, {"Degraded", th.Degraded}, {"Failing", th.Failing}} {
				out := f.s.Render("x")
				if out == body || !hasColour(out) {
					t.Errorf("%s renders %q, like body text", f.name, out)
				}
				if prev, ok := seen[out]; ok {
					t.Errorf("%s and %s look the same (%q)", f.name, prev, out)
				}
				seen[out] = f.name
			}
			if th.Selected.Render("x") == body {
				t.Error("the selected row looks like any other")
			}
		})
	}
}

func TestEveryThemeSetsEveryStyleItDrawsWith(t *testing.T) {
	for _, n := range Names()[1:] {
		th, _ := ByName(n)
		for name, s := range styles(th) {
			if name == "Base" || name == "TabInactive" || (th.Name == "mono" && (name == "Healthy")) {
				continue // plain on purpose
			}
			if s.Render("x") == "x" {
				t.Errorf("%s: %s is unstyled", n, name)
			}
		}
	}
}
