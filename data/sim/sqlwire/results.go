package sqlwire

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
)

// TTypeId values of the columns the endpoint sends.
const (
	typeBoolean   = int32(0)
	typeTinyint   = int32(1)
	typeSmallint  = int32(2)
	typeInt       = int32(3)
	typeBigint    = int32(4)
	typeFloat     = int32(5)
	typeDouble    = int32(6)
	typeString    = int32(7)
	typeTimestamp = int32(8)
	typeBinary    = int32(9)
	typeDecimal   = int32(15)
	typeDate      = int32(17)
)

// maxRows bounds one result held in memory.
const maxRows = 1_000_000

// column is one result column: its name, Databricks type and values, ready for the wire
// (bool, int8, int16, int32, int64, float64, string or []byte; nil for NULL).
type column struct {
	name             string
	typ              int32
	precision, scale int32
	values           []any
}

// operation is a statement that has run: its result (or error) and the fetch cursor.
type operation struct {
	id, session string
	used        time.Time // guarded by the endpoint's mutex

	mu       sync.Mutex // guards next
	next     int
	cols     []column
	rows     int
	modified int64
	err      string
}

// run translates and runs a statement with its TSparkParameters and reads its whole result.
func run(ctx context.Context, db *sql.DB, statement string, params []any, loc *time.Location) *operation {
	op := &operation{}
	text, err := Translate(statement)
	if err == nil {
		var args []any
		if args, err = bind(params); err == nil {
			err = op.read(ctx, db, text, args, loc)
		}
	}
	if err != nil {
		op.err, op.cols, op.rows = err.Error(), nil, 0
		return op
	}
	// DuckDB answers an INSERT, UPDATE or DELETE with one column "Count"; a warehouse with
	// num_affected_rows (and the driver's RowsAffected from the operation's status).
	if isDML(statement) && len(op.cols) == 1 && op.rows == 1 {
		n, _ := op.cols[0].values[0].(int64)
		op.modified = n
		op.cols = []column{{name: "num_affected_rows", typ: typeBigint, values: []any{n}}}
	}
	return op
}

func (op *operation) read(ctx context.Context, db *sql.DB, text string, args []any, loc *time.Location) error {
	rows, err := db.QueryContext(ctx, text, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	for _, t := range types {
		c := column{name: t.Name()}
		c.typ, c.precision, c.scale = typeOf(t.DatabaseTypeName())
		op.cols = append(op.cols, c)
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			op.cols[i].values = append(op.cols[i].values, convert(op.cols[i].typ, v, loc))
		}
		if op.rows++; op.rows > maxRows {
			return fmt.Errorf("the result has more than %d rows, more than the simulated warehouse holds", maxRows)
		}
	}
	return rows.Err()
}

// isDML says whether a statement changes rows.
func isDML(statement string) bool {
	word, _, _ := strings.Cut(strings.TrimSpace(stripLeadingComments(statement)), " ")
	switch strings.ToUpper(strings.TrimSpace(word)) {
	case "INSERT", "UPDATE", "DELETE", "MERGE":
		return true
	}
	return false
}

func stripLeadingComments(s string) string {
	for {
		s = strings.TrimSpace(s)
		if !strings.HasPrefix(s, "--") {
			return s
		}
		_, rest, found := strings.Cut(s, "\n")
		if !found {
			return ""
		}
		s = rest
	}
}

// typeOf maps a DuckDB column type to the Databricks type a warehouse would send.
func typeOf(duck string) (typ, precision, scale int32) {
	switch duck {
	case "BOOLEAN":
		return typeBoolean, 0, 0
	case "TINYINT":
		return typeTinyint, 0, 0
	case "SMALLINT", "UTINYINT":
		return typeSmallint, 0, 0
	case "INTEGER", "USMALLINT":
		return typeInt, 0, 0
	case "BIGINT", "UINTEGER":
		return typeBigint, 0, 0
	case "UBIGINT", "HUGEINT", "UHUGEINT":
		return typeDecimal, 38, 0
	case "FLOAT":
		return typeFloat, 0, 0
	case "DOUBLE":
		return typeDouble, 0, 0
	case "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS":
		return typeTimestamp, 0, 0
	case "DATE":
		return typeDate, 0, 0
	case "BLOB":
		return typeBinary, 0, 0
	}
	var p, s int32
	if n, _ := fmt.Sscanf(duck, "DECIMAL(%d,%d)", &p, &s); n == 2 {
		return typeDecimal, p, s
	}
	return typeString, 0, 0
}

// convert turns a value scanned from DuckDB into the wire value of its column's type.
func convert(typ int32, v any, loc *time.Location) any {
	if v == nil {
		return nil
	}
	switch typ {
	case typeBoolean:
		b, _ := v.(bool)
		return b
	case typeTinyint:
		return int8(toInt(v))
	case typeSmallint:
		return int16(toInt(v))
	case typeInt:
		return int32(toInt(v))
	case typeBigint:
		return toInt(v)
	case typeFloat, typeDouble:
		switch x := v.(type) {
		case float32:
			return float64(x)
		case float64:
			return x
		}
		return 0.0
	case typeTimestamp:
		if t, ok := v.(time.Time); ok {
			return t.In(loc).Format("2006-01-02 15:04:05.999999999")
		}
	case typeDate:
		if t, ok := v.(time.Time); ok {
			return t.Format("2006-01-02")
		}
	case typeBinary:
		if b, ok := v.([]byte); ok {
			return b
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	}
	return 0
}

// bind turns TSparkParameters (positional, each a type name and its value as text, no
// value for NULL) into database/sql arguments of the matching Go types.
func bind(params []any) ([]any, error) {
	out := make([]any, 0, len(params))
	for i, p := range params {
		sp, _ := p.(tstruct)
		if sp.str(2) != "" {
			return nil, errNamed
		}
		val := sp.sub(4)
		switch {
		case val.has(1):
		case val.has(2):
			x, _ := val[2].(float64)
			out = append(out, x)
			continue
		case val.has(3):
			out = append(out, val[3] == true)
			continue
		default: // VOID, or no value: NULL
			out = append(out, nil)
			continue
		}
		s, typ := val.str(1), strings.ToUpper(sp.str(3))
		var v any
		var err error
		switch typ {
		case "BIGINT", "INTEGER", "INT", "SMALLINT", "TINYINT":
			v, err = strconv.ParseInt(s, 10, 64)
		case "DOUBLE", "FLOAT":
			v, err = strconv.ParseFloat(s, 64)
		case "BOOLEAN":
			v, err = strconv.ParseBool(s)
		case "TIMESTAMP":
			var t time.Time
			t, err = time.Parse(time.RFC3339Nano, s)
			v = t.UTC()
		case "VOID":
			v = nil
		default: // STRING, DATE, DECIMAL(p,s), ...: DuckDB casts the text where needed
			v = s
		}
		if err != nil {
			return nil, fmt.Errorf("parameter %d: %q is not a %s", i+1, s, typ)
		}
		out = append(out, v)
	}
	return out, nil
}

// status is the TGetOperationStatusResp of a finished (or failed) statement.
func (op *operation) status() wstruct {
	if op.err != "" {
		return wstruct{f(1, ok()), f(2, stateError), f(3, "HY000"), f(5, op.err), f(9, false), f(1281, op.err)}
	}
	return wstruct{f(1, ok()), f(2, stateFinished), f(9, len(op.cols) > 0), f(11, op.modified)}
}

// metadata is the TGetResultSetMetadataResp: the schema, in column-based row sets.
func (op *operation) metadata() wstruct {
	cols := make([]any, len(op.cols))
	for i, c := range op.cols {
		entry := wstruct{f(1, c.typ)}
		if c.typ == typeDecimal {
			entry = append(entry, f(2, wstruct{f(1, wmap{elem: thrift.STRUCT, keys: []string{"precision", "scale"},
				vals: []any{wstruct{f(1, c.precision)}, wstruct{f(1, c.scale)}}})}))
		}
		typeDesc := wstruct{f(1, wlist{thrift.STRUCT, []any{wstruct{f(1, entry)}}})}
		cols[i] = wstruct{f(1, c.name), f(2, typeDesc), f(3, int32(i+1))}
	}
	schema := wstruct{f(1, wlist{thrift.STRUCT, cols})}
	return wstruct{f(1, ok()), f(2, schema), f(1281, rowSetColumnBased), f(1287, false)}
}

// page is the TFetchResultsResp of the next rows, at most max (the driver's page size).
func (op *operation) page(max int64, withMetadata bool) wstruct {
	if max <= 0 {
		max = defaultPage
	}
	from := op.next
	to := op.rows
	if int64(to-from) > max {
		to = from + int(max)
	}
	op.next = to
	cols := make([]any, len(op.cols))
	for i, c := range op.cols {
		cols[i] = tcolumn(c, from, to)
	}
	rowSet := wstruct{f(1, int64(from)), f(2, wlist{thrift.STRUCT, nil}), f(3, wlist{thrift.STRUCT, cols})}
	resp := wstruct{f(1, ok()), f(2, to < op.rows), f(3, rowSet)}
	if withMetadata {
		resp = append(resp, f(1281, op.metadata()))
	}
	return resp
}

// tcolumn is the TColumn of rows [from, to) of a column: values of its type and a bitmap
// with bit i set when row i is NULL.
func tcolumn(c column, from, to int) wstruct {
	vals := c.values[from:to]
	nulls := make([]byte, (len(vals)+7)/8)
	for i, v := range vals {
		if v == nil {
			nulls[i/8] |= 1 << (i % 8)
		}
	}
	field, list := int16(7), any(nil)
	switch c.typ {
	case typeBoolean:
		field, list = 1, typed[bool](vals)
	case typeTinyint:
		field, list = 2, typed[int8](vals)
	case typeSmallint:
		field, list = 3, typed[int16](vals)
	case typeInt:
		field, list = 4, typed[int32](vals)
	case typeBigint:
		field, list = 5, typed[int64](vals)
	case typeFloat, typeDouble:
		field, list = 6, typed[float64](vals)
	case typeBinary:
		items := make([]any, len(vals))
		for i, v := range vals {
			b, _ := v.([]byte)
			items[i] = b
		}
		field, list = 8, wlist{thrift.STRING, items}
	default:
		list = typed[string](vals)
	}
	return wstruct{f(field, wstruct{f(1, list), f(2, nulls)})}
}

// typed collects values of one Go type, the zero value standing in for NULL.
func typed[T any](vals []any) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i], _ = v.(T)
	}
	return out
}
