package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSpillFilesStayOutOfTheWorkingDirectory: what DuckDB spills past its memory limit goes
// next to the estate file (or to the system's temporary directory for an estate in
// memory), never into ./.tmp of the directory the cockpit was started from.
func TestSpillFilesStayOutOfTheWorkingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "estate.duckdb")
	for _, c := range []struct {
		s    *Sim
		want string
	}{
		{openAt(t, path, 1, func() time.Time { return testNow }), path + ".tmp"},
		{sharedEstate(t), os.TempDir()},
	} {
		var dir string
		if err := c.s.DB().QueryRow(`SELECT current_setting('temp_directory')`).Scan(&dir); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(dir, c.want) {
			t.Errorf("DuckDB spills into %q, want %q", dir, c.want)
		}
	}
}
