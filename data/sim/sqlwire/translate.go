package sqlwire

import (
	"errors"
	"strconv"
	"strings"
)

// Translate turns a statement of Databricks SQL into DuckDB's: identifiers quoted with
// backticks become double-quoted, and string literals (single- or double-quoted, with
// backslash escapes) become single-quoted ones with quotes doubled. Comments, `?`
// parameters and everything else pass through; the cockpit's statements use the same
// functions on both engines (see data/warehouse).
func Translate(statement string) (string, error) {
	var b strings.Builder
	b.Grow(len(statement) + 16)
	s := statement
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = len(s) - i
			}
			b.WriteString(s[i : i+end])
			i += end
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return "", errors.New("[UNCLOSED_BRACKETED_COMMENT] the statement ends inside a /* comment")
			}
			b.WriteString(s[i : i+2+end+2])
			i += 2 + end + 2
		case c == '`':
			name, n, err := backquoted(s[i:])
			if err != nil {
				return "", err
			}
			b.WriteString(`"` + strings.ReplaceAll(name, `"`, `""`) + `"`)
			i += n
		case c == '\'' || c == '"':
			text, n, err := literal(s[i:])
			if err != nil {
				return "", err
			}
			b.WriteString("'" + strings.ReplaceAll(text, "'", "''") + "'")
			i += n
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// backquoted reads a `quoted` identifier (a doubled backtick stands for one) and returns
// the name and the bytes read.
func backquoted(s string) (string, int, error) {
	var name strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '`' {
			name.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '`' {
			name.WriteByte('`')
			i++
			continue
		}
		return name.String(), i + 1, nil
	}
	return "", 0, errors.New("[PARSE_SYNTAX_ERROR] the statement ends inside a `quoted` identifier")
}

// literal reads a string literal quoted by its first byte, with Spark's backslash escapes,
// and returns its text and the bytes read.
func literal(s string) (string, int, error) {
	q := s[0]
	var text strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return text.String(), i + 1, nil
		case c != '\\':
			text.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			break
		}
		i++
		switch e := s[i]; e {
		case 'n':
			text.WriteByte('\n')
		case 't':
			text.WriteByte('\t')
		case 'r':
			text.WriteByte('\r')
		case 'b':
			text.WriteByte('\b')
		case '0':
			text.WriteByte(0)
		case 'Z':
			text.WriteByte(26)
		case '%', '_': // kept for LIKE patterns, as Spark does
			text.WriteByte('\\')
			text.WriteByte(e)
		case 'u':
			if i+4 < len(s) {
				if r, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
					text.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			text.WriteByte(e)
		default:
			text.WriteByte(e)
		}
	}
	return "", 0, errors.New("[PARSE_SYNTAX_ERROR] the statement ends inside a string literal")
}
