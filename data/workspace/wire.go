package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/databricks/databricks-sdk-go/client"
)

// The lists the cockpit reads on every refresh (the runs feed, the pipelines) are decoded
// into small structs of our own with encoding/json, not into the SDK's types: their
// UnmarshalJSON walks the JSON and the type by reflection once per object and per field
// (marshal.Unmarshal, normalizeInt64Strings), the largest CPU cost of the cockpit that was
// ours to avoid (38% of an idle demo's, about 0.6 s of each start; a page of 25 runs took
// about 18 ms to decode, now 0.2 ms: BenchmarkRunsListDecode). The scalar types here
// accept what the SDK accepted where the API may send either form.

// get is a GET through a raw client (c.api or c.lists), sent as the SDK's generated calls
// send it: req (a request struct with `url` tags, or a map) is the query string, zero
// values left out, with the same headers (X-Databricks-Workspace-Id routes the call on a
// host that serves several workspaces). Errors and retries are the SDK's.
func (c *Client) get(ctx context.Context, via *client.DatabricksClient, path string, req, resp any) error {
	h := map[string]string{"Accept": "application/json"}
	if id := c.w.Config.WorkspaceID; id != "" {
		h["X-Databricks-Workspace-Id"] = id
	}
	return via.Do(ctx, http.MethodGet, path, h, nil, req, resp)
}

// jsonInt is an int64 sent as a JSON number or as a quoted decimal string (proto3 JSON's
// form for 64-bit integers, which the SDK also accepted). null is 0; anything else is an
// error, as it was for the SDK.
type jsonInt int64

func (n *jsonInt) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return n.parse(s, b)
	}
	return n.parse(string(b), b)
}

func (n *jsonInt) parse(s string, b []byte) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%.40q is not a 64-bit integer", b)
	}
	*n = jsonInt(v)
	return nil
}

// jsonText is a string that may also come as another JSON value (latest_updates'
// creation_time, in epoch milliseconds in some API versions): such a value is kept as its
// literal text, as the SDK did for its string fields. null is "".
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
	case len(b) >= 2 && b[0] == '"' && !bytes.ContainsRune(b, '\\') && utf8.Valid(b):
		// The decoder has checked the document: without escapes, the text is what is quoted.
		*t = jsonText(b[1 : len(b)-1])
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = jsonText(s)
	case utf8.Valid(b):
		*t = jsonText(b)
	default:
		// Bytes that are no UTF-8 inside an object or an array: what the SDK's quoting made
		// of them.
		q, err := json.Marshal(string(b))
		if err != nil {
			return err
		}
		return t.UnmarshalJSON(q)
	}
	return nil
}

// mapped is the entries of a page in the cockpit's terms.
func mapped[W, T any](ws []W, of func(W) T) []T {
	out := make([]T, len(ws))
	for i, w := range ws {
		out[i] = of(w)
	}
	return out
}
