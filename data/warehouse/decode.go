package warehouse

import (
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rows are decoded in two steps so that one bad row never fails a query: scanAny takes each
// column as whatever the driver hands over (NULL is nil), and a decode function per
// statement turns those values into a row, or says why the row cannot be one. The ledger is
// written by CI pipelines, scripts and people, and system tables change their columns, so
// any column may be NULL, of another type, or absurd.

// scanAny scans the current row into one value per column.
func scanAny(rows *sql.Rows, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	return vals, nil
}

// str reads a text column: ok is false for NULL. Numbers and booleans are rendered as text
// (a column whose type changed still shows what it holds).
func str(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case []byte:
		return string(x), true
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), true
	case fmt.Stringer:
		return x.String(), true
	default:
		return fmt.Sprint(x), true
	}
}

// text reads a text column, "" for NULL.
func text(v any) string {
	s, _ := str(v)
	return s
}

// present reads a text column that identifies something: ok is false for NULL, the empty
// string and blanks.
func present(v any) (string, bool) {
	s, ok := str(v)
	if !ok || strings.TrimSpace(s) == "" {
		return "", false
	}
	return s, true
}

// timeLayouts are the text forms a timestamp column may come in when it is not a timestamp.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// when reads a timestamp column (UTC): ok is false for NULL and for what is not a time.
// Text in a common layout and epoch seconds or milliseconds are read as times.
func when(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), true
	case string, []byte:
		s := strings.TrimSpace(text(x))
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), true
			}
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return epochTime(n), true
		}
	case int64:
		return epochTime(x), true
	case int32:
		return epochTime(int64(x)), true
	case int:
		return epochTime(int64(x)), true
	}
	return time.Time{}, false
}

// epochTime reads seconds, or milliseconds when the number is too large to be seconds.
func epochTime(n int64) time.Time {
	if n > 1e11 || n < -1e11 {
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// whenOrZero reads a nullable timestamp: the zero time for NULL or unreadable.
func whenOrZero(v any) time.Time {
	t, _ := when(v)
	return t
}

// integer reads a whole-number column: ok is false for NULL and for what is not a number.
// Fractions are cut; text holding a number is read.
func integer(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return math.MaxInt64, true
		}
		return int64(x), true
	case uint32:
		return int64(x), true
	case float64:
		switch {
		case math.IsNaN(x):
			return 0, false
		case x >= math.MaxInt64:
			return math.MaxInt64, true
		case x <= math.MinInt64:
			return math.MinInt64, true
		}
		return int64(x), true
	case float32:
		return integer(float64(x))
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string, []byte:
		s := strings.TrimSpace(text(x))
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return integer(f)
		}
	}
	return 0, false
}

// count reads a whole-number column, 0 for NULL or unreadable.
func count(v any) int64 {
	n, _ := integer(v)
	return n
}

// number reads a numeric column: ok is false for NULL and for what is not a number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case float32:
		return float64(x), !math.IsNaN(float64(x))
	case string, []byte:
		f, err := strconv.ParseFloat(strings.TrimSpace(text(x)), 64)
		return f, err == nil && !math.IsNaN(f)
	case fmt.Stringer: // decimals
		f, err := strconv.ParseFloat(x.String(), 64)
		return f, err == nil && !math.IsNaN(f)
	}
	n, ok := integer(v)
	return float64(n), ok
}

// truth reads a boolean column, false for NULL or unreadable.
func truth(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string, []byte:
		b, _ := strconv.ParseBool(strings.TrimSpace(text(x)))
		return b
	}
	n, ok := integer(v)
	return ok && n != 0
}
