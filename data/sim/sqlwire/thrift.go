package sqlwire

import (
	"context"
	"fmt"

	"github.com/apache/thrift/lib/go/thrift"
)

// The TCLIService messages are read into a generic tree and written from one, instead of
// through the thousands of lines of structs Thrift would generate: the endpoint touches a
// few dozen fields, named by their ids in TCLIService.thrift (HiveServer2, with Databricks'
// extensions as databricks-sql-go v1.14.0 declares them).

// tstruct is a decoded struct: field id → value (bool, int8, int16, int32, int64, float64,
// []byte for strings and binaries, tstruct, []any for lists and sets, []kv for maps).
type tstruct map[int16]any

type kv struct{ k, v any }

// Limits of what a request may hold; a client that sends more is refused.
const (
	maxDepth    = 16
	maxElements = 1 << 16
)

// readValue reads one value of type t.
func readValue(ctx context.Context, p thrift.TProtocol, t thrift.TType, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("thrift: nested deeper than %d", maxDepth)
	}
	switch t {
	case thrift.BOOL:
		return p.ReadBool(ctx)
	case thrift.BYTE:
		return p.ReadByte(ctx)
	case thrift.I16:
		return p.ReadI16(ctx)
	case thrift.I32:
		return p.ReadI32(ctx)
	case thrift.I64:
		return p.ReadI64(ctx)
	case thrift.DOUBLE:
		return p.ReadDouble(ctx)
	case thrift.STRING:
		return p.ReadBinary(ctx)
	case thrift.STRUCT:
		return readStruct(ctx, p, depth+1)
	case thrift.LIST, thrift.SET:
		var et thrift.TType
		var n int
		var err error
		if t == thrift.LIST {
			et, n, err = p.ReadListBegin(ctx)
		} else {
			et, n, err = p.ReadSetBegin(ctx)
		}
		if err != nil {
			return nil, err
		}
		if n < 0 || n > maxElements {
			return nil, fmt.Errorf("thrift: a list of %d elements", n)
		}
		out := make([]any, 0, min(n, 64))
		for range n {
			v, err := readValue(ctx, p, et, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if t == thrift.LIST {
			return out, p.ReadListEnd(ctx)
		}
		return out, p.ReadSetEnd(ctx)
	case thrift.MAP:
		kt, vt, n, err := p.ReadMapBegin(ctx)
		if err != nil {
			return nil, err
		}
		if n < 0 || n > maxElements {
			return nil, fmt.Errorf("thrift: a map of %d entries", n)
		}
		out := make([]kv, 0, min(n, 64))
		for range n {
			k, err := readValue(ctx, p, kt, depth+1)
			if err != nil {
				return nil, err
			}
			v, err := readValue(ctx, p, vt, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, kv{k, v})
		}
		return out, p.ReadMapEnd(ctx)
	}
	return nil, fmt.Errorf("thrift: unknown type %d", t)
}

// readStruct reads a struct up to its stop field.
func readStruct(ctx context.Context, p thrift.TProtocol, depth int) (tstruct, error) {
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return nil, err
	}
	s := tstruct{}
	for {
		_, t, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return nil, err
		}
		if t == thrift.STOP {
			break
		}
		v, err := readValue(ctx, p, t, depth)
		if err != nil {
			return nil, err
		}
		s[id] = v
		if err := p.ReadFieldEnd(ctx); err != nil {
			return nil, err
		}
	}
	return s, p.ReadStructEnd(ctx)
}

// Typed access to a decoded struct; a missing or mistyped field reads as the zero value.

func (s tstruct) str(id int16) string {
	b, _ := s[id].([]byte)
	return string(b)
}

func (s tstruct) bytes(id int16) []byte {
	b, _ := s[id].([]byte)
	return b
}

func (s tstruct) has(id int16) bool {
	_, ok := s[id]
	return ok
}

func (s tstruct) i64(id int16) int64 {
	switch v := s[id].(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case int16:
		return int64(v)
	case int8:
		return int64(v)
	}
	return 0
}

func (s tstruct) sub(id int16) tstruct {
	v, _ := s[id].(tstruct)
	return v
}

func (s tstruct) list(id int16) []any {
	v, _ := s[id].([]any)
	return v
}

// strmap reads a map<string, string>.
func (s tstruct) strmap(id int16) map[string]string {
	out := map[string]string{}
	entries, _ := s[id].([]kv)
	for _, e := range entries {
		k, _ := e.k.([]byte)
		v, _ := e.v.([]byte)
		out[string(k)] = string(v)
	}
	return out
}

// Writing. A response is built from these values and written by writeValue:
//
//	bool, int16, int32, int64, float64, string, []byte: the scalars;
//	wstruct: a struct, fields in the order given (absent optional fields are left out);
//	wlist: a list of values of one type; []string, []int64, ... : lists of scalars;
//	wmap: a map<string, value>.
type (
	wstruct []wfield
	wfield  struct {
		id int16
		v  any
	}
	wlist struct {
		elem  thrift.TType
		items []any
	}
	wmap struct {
		elem thrift.TType
		keys []string
		vals []any
	}
)

// f makes a field.
func f(id int16, v any) wfield { return wfield{id, v} }

// ttype is the wire type of a value writeValue accepts.
func ttype(v any) thrift.TType {
	switch v.(type) {
	case bool:
		return thrift.BOOL
	case int8:
		return thrift.BYTE
	case int16:
		return thrift.I16
	case int32:
		return thrift.I32
	case int64:
		return thrift.I64
	case float64:
		return thrift.DOUBLE
	case string, []byte:
		return thrift.STRING
	case wstruct:
		return thrift.STRUCT
	case wmap:
		return thrift.MAP
	}
	return thrift.LIST
}

func writeValue(ctx context.Context, p thrift.TProtocol, v any) error {
	switch v := v.(type) {
	case bool:
		return p.WriteBool(ctx, v)
	case int8:
		return p.WriteByte(ctx, v)
	case int16:
		return p.WriteI16(ctx, v)
	case int32:
		return p.WriteI32(ctx, v)
	case int64:
		return p.WriteI64(ctx, v)
	case float64:
		return p.WriteDouble(ctx, v)
	case string:
		return p.WriteString(ctx, v)
	case []byte:
		return p.WriteBinary(ctx, v)
	case wstruct:
		return writeStruct(ctx, p, v)
	case wlist:
		return writeList(ctx, p, v.elem, len(v.items), func(i int) any { return v.items[i] })
	case []string:
		return writeList(ctx, p, thrift.STRING, len(v), func(i int) any { return v[i] })
	case []bool:
		return writeList(ctx, p, thrift.BOOL, len(v), func(i int) any { return v[i] })
	case []int8:
		return writeList(ctx, p, thrift.BYTE, len(v), func(i int) any { return v[i] })
	case []int16:
		return writeList(ctx, p, thrift.I16, len(v), func(i int) any { return v[i] })
	case []int32:
		return writeList(ctx, p, thrift.I32, len(v), func(i int) any { return v[i] })
	case []int64:
		return writeList(ctx, p, thrift.I64, len(v), func(i int) any { return v[i] })
	case []float64:
		return writeList(ctx, p, thrift.DOUBLE, len(v), func(i int) any { return v[i] })
	case wmap:
		if err := p.WriteMapBegin(ctx, thrift.STRING, v.elem, len(v.keys)); err != nil {
			return err
		}
		for i, k := range v.keys {
			if err := p.WriteString(ctx, k); err != nil {
				return err
			}
			if err := writeValue(ctx, p, v.vals[i]); err != nil {
				return err
			}
		}
		return p.WriteMapEnd(ctx)
	}
	return fmt.Errorf("thrift: cannot write a %T", v)
}

func writeList(ctx context.Context, p thrift.TProtocol, elem thrift.TType, n int, item func(int) any) error {
	if err := p.WriteListBegin(ctx, elem, n); err != nil {
		return err
	}
	for i := range n {
		if err := writeValue(ctx, p, item(i)); err != nil {
			return err
		}
	}
	return p.WriteListEnd(ctx)
}

func writeStruct(ctx context.Context, p thrift.TProtocol, s wstruct) error {
	if err := p.WriteStructBegin(ctx, ""); err != nil {
		return err
	}
	for _, fl := range s {
		if err := p.WriteFieldBegin(ctx, "", ttype(fl.v), fl.id); err != nil {
			return err
		}
		if err := writeValue(ctx, p, fl.v); err != nil {
			return err
		}
		if err := p.WriteFieldEnd(ctx); err != nil {
			return err
		}
	}
	if err := p.WriteFieldStop(ctx); err != nil {
		return err
	}
	return p.WriteStructEnd(ctx)
}
