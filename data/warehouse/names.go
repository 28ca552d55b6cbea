package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"
)

//go:embed names.sql
var namesSQL string

// MaxNames bounds one ResourceNames call.
const MaxNames = 500

// ResourceNames maps job and pipeline ids to their current names in an environment's
// workspace. Unknown ids are absent from the map; deleted resources keep their last name.
func (s *Store) ResourceNames(ctx context.Context, env Env, ids []string) (map[string]string, error) {
	if err := env.validate(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var list []string
	for _, id := range ids {
		if id == "" || seen[id] {
			continue
		}
		if strings.ContainsAny(id, ", \t\n") {
			return nil, fmt.Errorf("%w: resource id %q", ErrInvalidInput, id)
		}
		seen[id] = true
		list = append(list, id)
	}
	out := map[string]string{}
	if len(list) == 0 {
		return out, nil
	}
	if len(list) > MaxNames {
		return nil, fmt.Errorf("%w: %d resource ids (at most %d)", ErrInvalidInput, len(list), MaxNames)
	}
	joined := strings.Join(list, ",")
	err := s.query(ctx, "reading resource names", namesSQL, []any{env.WorkspaceID, joined, env.WorkspaceID, joined}, func(r *sql.Rows) error {
		v, err := scanAny(r, 2)
		if err != nil {
			return err
		}
		if id, ok := present(v[0]); ok {
			out[id] = text(v[1])
		}
		return nil
	})
	return out, err
}
