package sim

import (
	"fmt"
	"strings"
	"time"
)

// eventFilter is a parsed `filter` of the pipeline events API: conditions joined with AND
// on the fields the real API accepts, timestamp, id, update_id and level. Like the real API
// it refuses event_type (clients filter that themselves) and anything it does not know.
type eventFilter struct {
	conds []eventCond
}

// eventCond is one condition: field op value, or level IN (values).
type eventCond struct {
	field  string // timestamp, id, update_id, level
	op     string // =, <, <=, >, >=, in
	values []string
	at     time.Time // the value of a timestamp condition
}

// errEventTypeFilter is the message of the real API's refusal of event_type filters.
const errEventTypeFilter = "Filtering on event_type is not supported. Supported filter fields are timestamp, id, update_id and level."

// parseEventFilter parses a filter such as
//
//	update_id = 'abc' AND level in ('WARN', 'ERROR') AND timestamp >= '2026-11-23T10:00:00.000Z'
//
// Keywords and field names are case-insensitive; values are single-quoted (” escapes a quote).
func parseEventFilter(s string) (eventFilter, error) {
	toks, err := lexFilter(s)
	if err != nil {
		return eventFilter{}, err
	}
	var f eventFilter
	i := 0
	next := func() filterToken {
		if i >= len(toks) {
			return filterToken{kind: tokEOF}
		}
		t := toks[i]
		i++
		return t
	}
	for {
		field := next()
		if field.kind != tokIdent {
			return eventFilter{}, fmt.Errorf("expected a field name at offset %d", field.pos)
		}
		name := strings.ToLower(field.text)
		switch name {
		case "event_type":
			return eventFilter{}, errEventType
		case "timestamp", "id", "update_id", "level":
		default:
			return eventFilter{}, fmt.Errorf("unsupported filter field %q: use timestamp, id, update_id or level", field.text)
		}
		op := next()
		c := eventCond{field: name}
		switch {
		case op.kind == tokOp:
			c.op = op.text
			v := next()
			if v.kind != tokString {
				return eventFilter{}, fmt.Errorf("expected a quoted value after %s %s at offset %d", field.text, op.text, v.pos)
			}
			c.values = []string{v.text}
		case op.kind == tokIdent && strings.EqualFold(op.text, "in"):
			c.op = "in"
			if t := next(); t.kind != tokLParen {
				return eventFilter{}, fmt.Errorf("expected ( after IN at offset %d", t.pos)
			}
			for {
				v := next()
				if v.kind != tokString {
					return eventFilter{}, fmt.Errorf("expected a quoted value in the IN list at offset %d", v.pos)
				}
				c.values = append(c.values, v.text)
				t := next()
				if t.kind == tokRParen {
					break
				}
				if t.kind != tokComma {
					return eventFilter{}, fmt.Errorf("expected , or ) in the IN list at offset %d", t.pos)
				}
			}
		default:
			return eventFilter{}, fmt.Errorf("expected an operator after %s at offset %d", field.text, op.pos)
		}
		switch {
		case name == "timestamp" && c.op != "in":
			t, err := time.Parse(time.RFC3339Nano, c.values[0])
			if err != nil {
				return eventFilter{}, fmt.Errorf("invalid timestamp %q: use RFC 3339, e.g. 2021-07-22T06:37:33.083Z", c.values[0])
			}
			c.at = t.UTC()
		case name == "level" && (c.op == "=" || c.op == "in"):
		case c.op != "=":
			return eventFilter{}, fmt.Errorf("operator %s is not supported for %s", c.op, field.text)
		}
		f.conds = append(f.conds, c)
		t := next()
		if t.kind == tokEOF {
			return f, nil
		}
		if t.kind != tokIdent || !strings.EqualFold(t.text, "and") {
			return eventFilter{}, fmt.Errorf("expected AND at offset %d (conditions can only be joined with AND)", t.pos)
		}
	}
}

// errEventType is returned for any filter on event_type.
var errEventType = fmt.Errorf("%s", errEventTypeFilter)

// match reports whether an event satisfies every condition.
func (f eventFilter) match(e *event) bool {
	for _, c := range f.conds {
		var v string
		switch c.field {
		case "timestamp":
			var ok bool
			switch c.op {
			case "=":
				ok = e.at.Equal(c.at)
			case "<":
				ok = e.at.Before(c.at)
			case "<=":
				ok = !e.at.After(c.at)
			case ">":
				ok = e.at.After(c.at)
			case ">=":
				ok = !e.at.Before(c.at)
			}
			if !ok {
				return false
			}
			continue
		case "id":
			v = e.ID
		case "update_id":
			v = e.Origin.UpdateID
		case "level":
			v = e.Level
		}
		found := false
		for _, want := range c.values {
			found = found || v == want
		}
		if !found {
			return false
		}
	}
	return true
}

// updateIDs returns the update ids the filter restricts to; ok is false when it does not.
func (f eventFilter) updateIDs() (ids []string, ok bool) {
	for _, c := range f.conds {
		if c.field != "update_id" {
			continue
		}
		if !ok {
			ids, ok = c.values, true
			continue
		}
		var both []string
		for _, id := range ids {
			for _, v := range c.values {
				if id == v {
					both = append(both, id)
				}
			}
		}
		ids = both
	}
	return ids, ok
}

// bounds returns the time span the timestamp conditions allow (zero times when open).
func (f eventFilter) bounds() (from, to time.Time) {
	for _, c := range f.conds {
		if c.field != "timestamp" {
			continue
		}
		switch c.op {
		case ">", ">=", "=":
			if from.IsZero() || c.at.After(from) {
				from = c.at
			}
		}
		switch c.op {
		case "<", "<=", "=":
			if to.IsZero() || c.at.Before(to) {
				to = c.at
			}
		}
	}
	return from, to
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokOp
	tokLParen
	tokRParen
	tokComma
)

type filterToken struct {
	kind tokKind
	text string
	pos  int
}

// lexFilter splits a filter into tokens.
func lexFilter(s string) ([]filterToken, error) {
	var out []filterToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			out = append(out, filterToken{tokLParen, "(", i})
			i++
		case c == ')':
			out = append(out, filterToken{tokRParen, ")", i})
			i++
		case c == ',':
			out = append(out, filterToken{tokComma, ",", i})
			i++
		case c == '=':
			out = append(out, filterToken{tokOp, "=", i})
			i++
		case c == '<' || c == '>':
			op := string(c)
			if i+1 < len(s) && s[i+1] == '=' {
				op += "="
			}
			out = append(out, filterToken{tokOp, op, i})
			i += len(op)
		case c == '\'':
			start := i
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("unterminated string starting at offset %d", start)
			}
			out = append(out, filterToken{tokString, b.String(), start})
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			start := i
			for i < len(s) && (s[i] == '_' || s[i] == '.' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
				i++
			}
			out = append(out, filterToken{tokIdent, s[start:i], start})
		default:
			return nil, fmt.Errorf("unexpected character %q at offset %d", c, i)
		}
	}
	return out, nil
}
