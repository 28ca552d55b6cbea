package sqlwire

import (
	"strings"
	"testing"
)

func TestTranslate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT `a`.`b c` FROM `sim`.`x`", `SELECT "a"."b c" FROM "sim"."x"`},
		{"SELECT `we``ird`, `has\"quote`", `SELECT "we` + "`" + `ird", "has""quote"`},
		{`SELECT 'it\'s', "double", 'a"b'`, `SELECT 'it''s', 'double', 'a"b'`},
		{`SELECT 'tab\there', 'nl\n', 'back\\slash', '\u00e9', 'like\%'`, "SELECT 'tab\there', 'nl\n', 'back\\slash', 'é', 'like\\%'"},
		{"SELECT ? -- it's `fine`\n, ?", "SELECT ? -- it's `fine`\n, ?"},
		{"SELECT /* 'not' `a` \"literal\" */ ?", "SELECT /* 'not' `a` \"literal\" */ ?"},
		{"SELECT '`not an identifier`'", "SELECT '`not an identifier`'"},
	} {
		got, err := Translate(c.in)
		if err != nil || got != c.want {
			t.Errorf("Translate(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"SELECT 'open", "SELECT `open", "SELECT /* open", `SELECT 'ends in \`} {
		if got, err := Translate(bad); err == nil {
			t.Errorf("Translate(%q) = %q, want an error", bad, got)
		}
	}
}

// FuzzTranslate: any statement translates or fails without panicking, and one without
// quotes of any kind passes through unchanged.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{"SELECT `a` FROM t WHERE x = ?", `'\u12`, "-- c\n'x'", "/**/`", `"\\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Translate(s)
		if err == nil && !strings.ContainsAny(s, "'\"`") && got != s && !strings.Contains(s, "/*") && !strings.Contains(s, "--") {
			t.Errorf("Translate(%q) = %q: a statement without quotes changed", s, got)
		}
	})
}
