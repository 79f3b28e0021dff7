package cli

import (
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestParseMemorySize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"512MB", 512e6}, {"4GB", 4e9}, {"1.5GiB", 3 << 29}, {"768M", 768 << 20}, {"256mib", 256 << 20}, {"1000000", 1e6}, {" 2 gb ", 2e9},
	} {
		if got, err := parseMemorySize(c.in); err != nil || got != c.want {
			t.Errorf("%q: %d %v, want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "lots", "-1GB", "1XB", "1e9"} {
		if _, err := parseMemorySize(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Defect 9 of issue 12: --memory-limit bounds the process, not only DuckDB.
func TestApplyMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	duck, restore, err := applyMemoryLimit("1GB")
	if err != nil {
		t.Fatal(err)
	}
	if duck != "572MiB" { // 60% of 1e9 bytes
		t.Errorf("DuckDB share %q", duck)
	}
	if got := debug.SetMemoryLimit(-1); got != 250_000_000 {
		t.Errorf("Go soft limit %d, want 250000000", got)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("not restored: %d", got)
	}
	if _, _, err := applyMemoryLimit("10MB"); err == nil {
		t.Error("10MB accepted")
	}
	code, _, errOut := runCLI(t, map[string]string{"CCC_STORE": filepath.Join(t.TempDir(), "s")}, "ingest", "--memory-limit", "lots", "--class", "DataSet", "--dataset", "d", "x.csv")
	if code != ExitUsage || !strings.Contains(errOut, "--memory-limit") {
		t.Errorf("bad --memory-limit: %d %q", code, errOut)
	}
	msg, ok := outOfMemoryHint("ingest: Out of Memory Error: failed to allocate data of size 16.0 MiB (12.0 MiB/15.2 MiB used)\n\nPossible solutions:\n* Increasing the memory limit (SET memory_limit='...')")
	if !ok || strings.Contains(msg, "SET memory_limit") || !strings.Contains(msg, "raise --memory-limit") || !strings.Contains(msg, "failed to allocate data of size 16.0 MiB") {
		t.Errorf("OOM hint: %q", msg)
	}
}
