package ui

import (
	"slices"
	"strings"
)

// Fields are what the filter matches in a row, lower-cased once when the row is built so
// that a keystroke over 100k rows costs a few milliseconds.
type Fields struct {
	All         string // bundle, version, sha, who and ticket, space-separated: free words match here
	Bundle      string
	Version     string
	SHA         string
	By          string
	Status      string // the verdict: healthy, degraded, failing, unknown
	Provisional bool
	Tags        string // comma-separated
	Ticket      string // the change ticket
}

// Filter is a parsed filter line: words combined with AND. A word is free text, matched
// anywhere in bundle, version, sha, who and ticket, or key:value:
//
//	bundle:x (b:)   the bundle contains x
//	version:x (v:)  the version contains x
//	sha:x           the git sha starts with x
//	by:x (who:)     who deployed contains x
//	status:x (s:)   the verdict starts with x; status:provisional and status:final
//	tag:x (t:)      a tag contains x (current, pinned, vetoed)
//	ticket:x (tk:)  the change ticket contains x
//	env:x (e:)      switch to environment x (it names a tab, not a row)
//
// A word starting with ! or - is negated. Everything is case-insensitive.
type Filter struct {
	terms []filterTerm
	// Env is the environment an env: word names, empty when none.
	Env  string
	text string
}

type filterTerm struct {
	key, value string
	not        bool
}

// filterKeys maps the accepted keys and their short forms to the canonical key.
var filterKeys = map[string]string{
	"bundle": "bundle", "b": "bundle",
	"version": "version", "v": "version", "ver": "version",
	"sha": "sha",
	"by":  "by", "who": "by", "user": "by",
	"status": "status", "s": "status",
	"tag": "tag", "tags": "tag", "t": "tag",
	"env": "env", "e": "env",
	"ticket": "ticket", "tk": "ticket",
}

// ParseFilter reads a filter line. Unknown keys are free text; a key without a value (while
// it is being typed) matches everything.
func ParseFilter(s string) Filter {
	f := Filter{text: strings.TrimSpace(s)}
	for _, w := range strings.Fields(strings.ToLower(s)) {
		t := filterTerm{}
		if len(w) > 1 && (w[0] == '!' || w[0] == '-') {
			t.not, w = true, w[1:]
		}
		if k, v, ok := strings.Cut(w, ":"); ok {
			if canon, known := filterKeys[k]; known {
				if v == "" {
					continue
				}
				if canon == "env" {
					f.Env = v
					continue
				}
				t.key, t.value = canon, v
				f.terms = append(f.terms, t)
				continue
			}
		}
		t.value = w
		f.terms = append(f.terms, t)
	}
	return f
}

// Empty reports whether the filter keeps every row.
func (f Filter) Empty() bool { return len(f.terms) == 0 }

// String is the filter as typed.
func (f Filter) String() string { return f.text }

// Match reports whether a row's fields pass every word.
func (f Filter) Match(x *Fields) bool {
	for _, t := range f.terms {
		if t.match(x) == t.not {
			return false
		}
	}
	return true
}

func (t filterTerm) match(x *Fields) bool {
	switch t.key {
	case "bundle":
		return strings.Contains(x.Bundle, t.value)
	case "version":
		return strings.Contains(x.Version, t.value)
	case "sha":
		return strings.HasPrefix(x.SHA, t.value)
	case "by":
		return strings.Contains(x.By, t.value)
	case "tag":
		return strings.Contains(x.Tags, t.value)
	case "ticket":
		return strings.Contains(x.Ticket, t.value)
	case "status":
		switch t.value {
		case "provisional", "prov", "~":
			return x.Provisional
		case "final":
			return !x.Provisional
		}
		return strings.HasPrefix(x.Status, t.value)
	}
	return strings.Contains(x.All, t.value)
}

// Narrows reports whether f keeps no row that prev hides, because each of prev's words is
// implied by one of f's (a word lengthened or a word added): then only the rows prev keeps
// need testing.
func (f Filter) Narrows(prev Filter) bool {
	for _, p := range prev.terms {
		if !slices.ContainsFunc(f.terms, func(t filterTerm) bool { return t.implies(p) }) {
			return false
		}
	}
	return true
}

// implies reports whether every row t keeps is kept by p.
func (t filterTerm) implies(p filterTerm) bool {
	if t.key != p.key || t.not != p.not {
		return false
	}
	if t.not {
		return t.value == p.value
	}
	switch t.key {
	case "sha":
		return strings.HasPrefix(t.value, p.value)
	case "status":
		special := func(v string) bool { return v == "provisional" || v == "prov" || v == "~" || v == "final" }
		if special(t.value) || special(p.value) {
			return t.value == p.value
		}
		return strings.HasPrefix(t.value, p.value)
	}
	return strings.Contains(t.value, p.value)
}

// withTerm returns the filter line with every word of this key replaced by key:value (or
// removed, when value is empty): what :bundle and :failing do to the filter.
func withTerm(line, key, value string) string {
	var out []string
	for _, w := range strings.Fields(line) {
		bare := strings.TrimLeft(w, "!-")
		if k, _, ok := strings.Cut(strings.ToLower(bare), ":"); ok && filterKeys[k] == key {
			continue
		}
		out = append(out, w)
	}
	if value != "" {
		out = append(out, key+":"+value)
	}
	return strings.Join(out, " ")
}
