// Package sqlwire answers the protocol databricks-sql-go speaks to a Databricks SQL
// warehouse, over a database/sql database: TCLIService (HiveServer2 with Databricks'
// extensions) in Thrift's binary protocol, one call per HTTP POST. The simulation mounts it
// at a warehouse's HTTP path over its DuckDB, so that the cockpit and its tests reach the
// estate through the same driver as a real warehouse: sessions, statements with `?`
// parameters, direct results, paged fetches, and errors as the driver surfaces them.
//
// Results are sent as column-based row sets (the driver reads them whatever it asked for):
// typed columns with a null bitmap, timestamps and dates as text in the session's time zone,
// as a warehouse does. Statements arrive in Databricks' SQL and are translated (see
// Translate) before they run.
//
// Written from databricks-sql-go v1.14.0 (Apache-2.0), internal/cli_service: the field ids
// and enum values below are those of its TCLIService.thrift.
package sqlwire

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
)

// Protocol versions and enum values of TCLIService.
const (
	protocolV8 = 42248 // SPARK_CLI_SERVICE_PROTOCOL_V8: direct results and parameters

	statusSuccess       = int32(0)
	statusError         = int32(3)
	stateFinished       = int32(2)
	stateError          = int32(5)
	opExecuteStatement  = int32(0)
	rowSetColumnBased   = int32(1)
	fetchNext, fetchFst = int64(0), int64(4)
)

// Bounds of what the endpoint holds for its clients.
const (
	maxBody      = 16 << 20
	maxSessions  = 256
	maxOps       = 1024
	opIdle       = 10 * time.Minute
	sessionIdle  = 2 * time.Hour
	queryTimeout = 5 * time.Minute
	defaultPage  = 10000
)

// Endpoint is an http.Handler answering TCLIService over db. Safe for concurrent use.
type Endpoint struct {
	db  *sql.DB
	now func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
	ops      map[string]*operation
}

type session struct {
	loc  *time.Location
	used time.Time
}

// New returns an endpoint over db.
func New(db *sql.DB) *Endpoint {
	return &Endpoint{db: db, now: time.Now, sessions: map[string]*session{}, ops: map[string]*operation{}}
}

// ServeHTTP reads one Thrift call from the body and writes its reply. The caller
// authenticates the request first.
func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "TCLIService takes POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	out, err := e.Call(r.Context(), body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/x-thrift")
	_, _ = w.Write(out)
}

// Call answers one Thrift message (a binary-protocol CALL) with its reply. A message that
// cannot be read is an error; a call the endpoint does not know is answered with Thrift's
// UNKNOWN_METHOD exception, as a server would.
func (e *Endpoint) Call(ctx context.Context, msg []byte) ([]byte, error) {
	conf := &thrift.TConfiguration{MaxMessageSize: maxBody}
	in := thrift.NewTMemoryBuffer()
	_, _ = in.Write(msg)
	ip := thrift.NewTBinaryProtocolConf(in, conf)
	name, typ, seq, err := ip.ReadMessageBegin(ctx)
	if err != nil {
		return nil, fmt.Errorf("not a Thrift binary message: %w", err)
	}
	if typ != thrift.CALL {
		return nil, fmt.Errorf("thrift message %q is not a call", name)
	}
	args, err := readStruct(ctx, ip, 0)
	if err != nil {
		return nil, fmt.Errorf("reading the arguments of %s: %w", name, err)
	}
	if err := ip.ReadMessageEnd(ctx); err != nil {
		return nil, err
	}
	out := thrift.NewTMemoryBuffer()
	op := thrift.NewTBinaryProtocolConf(out, conf)
	resp, known := e.dispatch(ctx, name, args.sub(1))
	if !known {
		if err := op.WriteMessageBegin(ctx, name, thrift.EXCEPTION, seq); err != nil {
			return nil, err
		}
		ex := thrift.NewTApplicationException(thrift.UNKNOWN_METHOD, "the simulated warehouse does not answer "+name)
		if err := ex.Write(ctx, op); err != nil {
			return nil, err
		}
	} else {
		if err := op.WriteMessageBegin(ctx, name, thrift.REPLY, seq); err != nil {
			return nil, err
		}
		if err := writeStruct(ctx, op, wstruct{f(0, resp)}); err != nil {
			return nil, err
		}
	}
	if err := op.WriteMessageEnd(ctx); err != nil {
		return nil, err
	}
	if err := op.Flush(ctx); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// dispatch runs a call; known is false for a method the endpoint does not answer.
func (e *Endpoint) dispatch(ctx context.Context, name string, req tstruct) (resp wstruct, known bool) {
	switch name {
	case "OpenSession":
		return e.openSession(req), true
	case "CloseSession":
		return e.closeSession(req), true
	case "ExecuteStatement":
		return e.execute(ctx, req), true
	case "GetOperationStatus":
		return e.withOp(req, func(op *operation) wstruct { return op.status() }), true
	case "GetResultSetMetadata":
		return e.withOp(req, func(op *operation) wstruct { return op.metadata() }), true
	case "FetchResults":
		return e.fetch(req), true
	case "CloseOperation", "CancelOperation":
		e.mu.Lock()
		delete(e.ops, guidOf(req.sub(1)))
		e.mu.Unlock()
		return wstruct{f(1, ok())}, true
	}
	return nil, false
}

func ok() wstruct { return wstruct{f(1, statusSuccess)} }

// failed is a TStatus with an error, which the driver returns as the call's error.
func failed(msg string) wstruct {
	return wstruct{f(1, statusError), f(3, "HY000"), f(5, msg), f(6, msg)}
}

func newID() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return b
}

// handle is a THandleIdentifier.
func handle(id string) wstruct { return wstruct{f(1, []byte(id)), f(2, []byte(id))} }

// guidOf reads the guid of a TSessionHandle or TOperationHandle (both hold it in field 1).
func guidOf(h tstruct) string { return string(h.sub(1).bytes(1)) }

func (e *Endpoint) openSession(req tstruct) wstruct {
	version := req.i64(1282) // client_protocol_i64
	if version == 0 {
		version = req.i64(1)
	}
	version = min(version, protocolV8)
	loc := time.UTC
	for k, v := range req.strmap(4) {
		if strings.EqualFold(k, "timezone") {
			l, err := time.LoadLocation(v)
			if err != nil {
				return wstruct{f(1, failed(fmt.Sprintf("invalid session time zone %q", v))), f(2, int32(version))}
			}
			loc = l
		}
	}
	id := string(newID())
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evict()
	if len(e.sessions) >= maxSessions {
		return wstruct{f(1, failed("the simulated warehouse has too many open sessions")), f(2, int32(version))}
	}
	e.sessions[id] = &session{loc: loc, used: e.now()}
	return wstruct{f(1, ok()), f(2, int32(version)), f(3, wstruct{f(1, handle(id))}), f(1285, true)}
}

func (e *Endpoint) closeSession(req tstruct) wstruct {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := guidOf(req.sub(1))
	delete(e.sessions, id)
	for k, op := range e.ops {
		if op.session == id {
			delete(e.ops, k)
		}
	}
	return wstruct{f(1, ok())}
}

// evict forgets operations and sessions their clients left behind. e.mu is held.
func (e *Endpoint) evict() {
	now := e.now()
	for k, op := range e.ops {
		if now.Sub(op.used) > opIdle {
			delete(e.ops, k)
		}
	}
	for k, s := range e.sessions {
		if now.Sub(s.used) > sessionIdle {
			delete(e.sessions, k)
		}
	}
}

// execute runs a statement to its end and answers with its handle and, when the driver
// asks for direct results, its status, schema and first page; the operation is kept for
// FetchResults only while rows remain.
func (e *Endpoint) execute(ctx context.Context, req tstruct) wstruct {
	sid := guidOf(req.sub(1))
	e.mu.Lock()
	s := e.sessions[sid]
	if s != nil {
		s.used = e.now()
	}
	e.mu.Unlock()
	if s == nil {
		return wstruct{f(1, failed("Invalid SessionHandle: the session is closed or unknown"))}
	}
	timeout := queryTimeout
	if t := time.Duration(req.i64(5)) * time.Second; t > 0 && t < timeout {
		timeout = t
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	op := run(ctx, e.db, req.str(2), req.list(1288), s.loc)
	op.id, op.session, op.used = string(newID()), sid, e.now()
	resp := wstruct{f(1, ok()), f(2, wstruct{f(1, handle(op.id)), f(2, opExecuteStatement), f(3, op.err == "")})}
	keep := true
	if req.has(1281) {
		direct := wstruct{f(1, op.status()), f(2, op.metadata())}
		if op.err == "" {
			direct = append(direct, f(3, op.page(req.sub(1281).i64(1), false)))
		}
		if op.err != "" || op.next >= op.rows {
			direct = append(direct, f(4, wstruct{f(1, ok())}))
			keep = false
		}
		resp = append(resp, f(1281, direct))
	}
	if keep {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.evict()
		if len(e.ops) >= maxOps {
			return wstruct{f(1, failed("the simulated warehouse has too many open statements: close the rows you read"))}
		}
		e.ops[op.id] = op
	}
	return resp
}

// withOp answers a call about an operation, or says the handle is unknown.
func (e *Endpoint) withOp(req tstruct, answer func(*operation) wstruct) wstruct {
	e.mu.Lock()
	op := e.ops[guidOf(req.sub(1))]
	if op != nil {
		op.used = e.now()
	}
	e.mu.Unlock()
	if op == nil {
		return wstruct{f(1, failed("Invalid OperationHandle: the statement is closed or unknown"))}
	}
	return answer(op)
}

func (e *Endpoint) fetch(req tstruct) wstruct {
	return e.withOp(req, func(op *operation) wstruct {
		op.mu.Lock()
		defer op.mu.Unlock()
		switch req.i64(2) {
		case fetchNext:
		case fetchFst:
			op.next = 0
		default:
			return wstruct{f(1, failed("the simulated warehouse fetches forward only"))}
		}
		if op.err != "" {
			return wstruct{f(1, failed(op.err))}
		}
		return op.page(req.i64(3), req[1283] == true)
	})
}

// errNamed is the error for a named parameter: the cockpit binds `?` only.
var errNamed = errors.New("named parameters are not supported by the simulated warehouse: use ?")
