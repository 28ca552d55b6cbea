package themes

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// palette is the handful of colours a coloured theme is built from. Styles are derived from
// it in one place (build), so every coloured theme uses each colour for the same meaning.
type palette struct {
	text, muted, accent, rule  color.Color
	healthy, degraded, failing color.Color
	tag, key                   color.Color
	selBg, selFg               color.Color
	barBg, barFg               color.Color
	bannerBg, bannerFg         color.Color
}

// build turns a palette into a theme. The terminal's own foreground and background are left
// alone for body text, so the cockpit looks right on any background and costs no bytes.
func build(name string, p palette) *Theme {
	s := lipgloss.NewStyle
	return &Theme{
		Name:        name,
		Base:        s(),
		Muted:       s().Foreground(p.muted),
		Title:       s().Bold(true).Foreground(p.accent),
		Crumb:       s().Foreground(p.accent),
		Header:      s().Bold(true).Foreground(p.text),
		Selected:    s().Bold(true).Foreground(p.selFg).Background(p.selBg),
		Border:      s().Foreground(p.rule),
		TabActive:   s().Bold(true).Foreground(p.selFg).Background(p.selBg),
		TabInactive: s().Foreground(p.muted),
		Healthy:     s().Foreground(p.healthy),
		Degraded:    s().Foreground(p.degraded),
		Failing:     s().Bold(true).Foreground(p.failing),
		Unknown:     s().Foreground(p.muted),
		Tag:         s().Foreground(p.tag),
		Key:         s().Bold(true).Foreground(p.key),
		Banner:      s().Bold(true).Foreground(p.bannerFg).Background(p.bannerBg),
		Error:       s().Bold(true).Foreground(p.failing),
		Warning:     s().Foreground(p.degraded),
		Status:      s().Foreground(p.barFg).Background(p.barBg),
	}
}

// Dark is for dark terminal backgrounds.
func Dark() *Theme {
	c := lipgloss.Color
	return build("dark", palette{
		text: c("#D8DEE9"), muted: c("#8A8FA3"), accent: c("#7AA2F7"), rule: c("#4C5068"),
		healthy: c("#9ECE6A"), degraded: c("#E0AF68"), failing: c("#F7768E"),
		tag: c("#BB9AF7"), key: c("#7DCFFF"),
		selBg: c("#3D59A1"), selFg: c("#FFFFFF"),
		barBg: c("#24283B"), barFg: c("#C0CAF5"),
		bannerBg: c("#E0AF68"), bannerFg: c("#1A1B26"),
	})
}

// Light is for light terminal backgrounds: the same meanings in darker inks.
func Light() *Theme {
	c := lipgloss.Color
	return build("light", palette{
		text: c("#1F2335"), muted: c("#6C6F85"), accent: c("#2E59C7"), rule: c("#A8AECB"),
		healthy: c("#2E7D32"), degraded: c("#9A6700"), failing: c("#C62828"),
		tag: c("#7B3FBF"), key: c("#0B6E99"),
		selBg: c("#C8D3F5"), selFg: c("#0B0E1A"),
		barBg: c("#E1E4EF"), barFg: c("#1F2335"),
		bannerBg: c("#9A6700"), bannerFg: c("#FFFFFF"),
	})
}

// HighContrast uses the sixteen basic colours at full strength, which every terminal and
// every colour scheme keeps legible, with bold where meaning matters.
func HighContrast() *Theme {
	c := lipgloss.Color
	t := build("high-contrast", palette{
		text: c("15"), muted: c("7"), accent: c("14"), rule: c("7"),
		healthy: c("10"), degraded: c("11"), failing: c("9"),
		tag: c("13"), key: c("14"),
		selBg: c("15"), selFg: c("0"),
		barBg: c("15"), barFg: c("0"),
		bannerBg: c("11"), bannerFg: c("0"),
	})
	t.Healthy = t.Healthy.Bold(true)
	t.Degraded = t.Degraded.Bold(true)
	t.Tag = t.Tag.Bold(true)
	t.Unknown = lipgloss.NewStyle().Foreground(c("15"))
	return t
}

// Mono uses no colour at all, only bold, reverse and faint (underline would make lipgloss
// style each character apart): what NO_COLOR asks
// for, and what a bastion with a strange TERM can show. Its output carries no colour
// escape codes; status still reads from the glyph and the word.
func Mono() *Theme {
	s := lipgloss.NewStyle
	return &Theme{
		Name:        "mono",
		Base:        s(),
		Muted:       s().Faint(true),
		Title:       s().Bold(true),
		Crumb:       s().Bold(true),
		Header:      s().Bold(true),
		Selected:    s().Reverse(true),
		Border:      s().Faint(true),
		TabActive:   s().Reverse(true).Bold(true),
		TabInactive: s(),
		Healthy:     s(),
		Degraded:    s().Bold(true),
		Failing:     s().Bold(true),
		Unknown:     s().Faint(true),
		Tag:         s().Bold(true),
		Key:         s().Bold(true),
		Banner:      s().Reverse(true).Bold(true),
		Error:       s().Bold(true),
		Warning:     s().Bold(true),
		Status:      s().Reverse(true),
	}
}
