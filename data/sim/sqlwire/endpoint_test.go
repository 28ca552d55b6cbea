package sqlwire

import (
	"context"
	"database/sql"
	"io"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	dbsql "github.com/databricks/databricks-sql-go"
	dbsqllog "github.com/databricks/databricks-sql-go/logger"
	_ "github.com/duckdb/duckdb-go/v2"
)

// connect serves an endpoint over an in-memory DuckDB and opens databricks-sql-go on it,
// reading pages of at most pageSize rows.
func connect(t *testing.T, pageSize int, opts ...dbsql.ConnOption) (*sql.DB, *Endpoint) {
	t.Helper()
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { duck.Close() })
	e := New(duck)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	port, _ := strconv.Atoi(u.Port())
	dbsqllog.SetLogOutput(io.Discard)
	c, err := dbsql.NewConnector(append([]dbsql.ConnOption{dbsql.WithServerHostname("http://" + u.Hostname()), dbsql.WithPort(port),
		dbsql.WithHTTPPath("/sql/1.0/warehouses/test"), dbsql.WithAccessToken("t"), dbsql.WithMaxRows(pageSize),
		dbsql.WithRetries(-1, 0, 0), dbsql.WithTimeout(time.Minute)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db, e
}

// A result larger than the driver's page arrives over several FetchResults, in order, and
// the endpoint forgets the statement once the rows are closed.
func TestResultsArePaged(t *testing.T) {
	db, e := connect(t, 3)
	rows, err := db.Query("SELECT range AS n, CASE WHEN range % 3 = 0 THEN NULL ELSE 'r' || range END AS s FROM range(10) ORDER BY n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var n int64
		var s sql.NullString
		if err := rows.Scan(&n, &s); err != nil {
			t.Fatal(err)
		}
		got = append(got, strconv.FormatInt(n, 10)+":"+s.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if want := "0: 1:r1 2:r2 3: 4:r4 5:r5 6: 7:r7 8:r8 9:"; strings.Join(got, " ") != want {
		t.Errorf("rows %q, want %q", strings.Join(got, " "), want)
	}
	e.mu.Lock()
	open := len(e.ops)
	e.mu.Unlock()
	if open != 0 {
		t.Errorf("%d statements still held after their rows were closed", open)
	}
}

// DML reports the rows it changed, as a warehouse does; a named parameter is refused with
// a message saying to use `?`; a wrong parameter count fails with the engine's message.
func TestStatementsAndParameters(t *testing.T) {
	db, _ := connect(t, 100)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (a BIGINT, b VARCHAR)"); err != nil {
		t.Fatal(err)
	}
	res, err := db.ExecContext(ctx, "INSERT INTO t SELECT range, 'x' FROM range(?)", int64(4))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 4 {
		t.Errorf("RowsAffected = %d, %v; want 4", n, err)
	}
	if _, err := db.QueryContext(ctx, "SELECT :a", sql.Named("a", 1)); err == nil || !strings.Contains(err.Error(), "use ?") {
		t.Errorf("named parameter: %v", err)
	}
	if _, err := db.QueryContext(ctx, "SELECT ?, ?", 1); err == nil {
		t.Error("two markers and one parameter ran")
	}
	var dec string
	if err := db.QueryRowContext(ctx, "SELECT CAST(12.345 AS DECIMAL(10,3))").Scan(&dec); err != nil || dec != "12.345" {
		t.Errorf("a DECIMAL came back as %q, %v", dec, err)
	}
}

// Timestamps travel as text in the session's time zone, and the driver reads them in it: the
// instant is the same whatever the zone; a zone the server does not know fails the connection.
func TestTimestampsKeepTheirInstantInAnyZone(t *testing.T) {
	want := time.Date(2026, 1, 2, 3, 4, 5, 678000000, time.UTC)
	for _, zone := range []string{"UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"} {
		db, _ := connect(t, 100, dbsql.WithSessionParams(map[string]string{"timezone": zone}))
		var got time.Time
		var day time.Time
		if err := db.QueryRow("SELECT CAST('2026-01-02 03:04:05.678' AS TIMESTAMP), CAST(? AS DATE)", "2026-01-02").Scan(&got, &day); err != nil {
			t.Fatalf("%s: %v", zone, err)
		}
		if !got.Equal(want) {
			t.Errorf("%s: the instant came back as %v, want %v", zone, got.UTC(), want)
		}
		if day.Format("2006-01-02") != "2026-01-02" {
			t.Errorf("%s: the date came back as %v", zone, day)
		}
	}
	db, _ := connect(t, 100, dbsql.WithSessionParams(map[string]string{"timezone": "Mars/Olympus"}))
	if err := db.Ping(); err == nil {
		t.Error("a session in an unknown time zone opened")
	}
}

// FuzzCall: no message, however malformed, panics the endpoint or gets a reply it cannot
// write.
func FuzzCall(f *testing.F) {
	f.Add([]byte{0x80, 0x01, 0x00, 0x01, 0, 0, 0, 11, 'O', 'p', 'e', 'n', 'S', 'e', 's', 's', 'i', 'o', 'n', 0, 0, 0, 1, 0})
	f.Add([]byte{0x80, 0x01, 0x00, 0x01, 0, 0, 0, 14, 'C', 'l', 'o', 's', 'e', 'O', 'p', 'e', 'r', 'a', 't', 'i', 'o', 'n', 0, 0, 0, 1, 12, 0, 1, 0, 0})
	f.Add([]byte("not thrift"))
	e := New(nil)
	f.Fuzz(func(t *testing.T, msg []byte) {
		_, _ = e.Call(context.Background(), msg)
	})
}
