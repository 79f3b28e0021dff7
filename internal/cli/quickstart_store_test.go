package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickstartStoreStepAlone runs the store step on an empty store: the
// malformed lab table is rejected naming its row and field without a
// version, the fixed one commits version 1.
func TestQuickstartStoreStepAlone(t *testing.T) {
	out := filepath.Join(t.TempDir(), "qs")
	code, stdout, stderr := runCLI(t, nil, "quickstart", "--only", "store", "--out", out, "--data", filepath.Join(out, "no-data"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		`status_axon`, `"done"`, "store unchanged at version 0",
		"version 1: 4 instances, 0 errors",
		"1 versions of 1 datasets",
		"1 table files and 0 artifacts verified by checksum, 4 rows in the latest version, 0 problems",
		"ccc export --class ProofreadingStatus --format parquet\n     4 rows",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "Synapse x CellTypeAnnotation") {
		t.Errorf("cross-dataset query without synapse tables:\n%s", stdout)
	}
	if fi, err := os.Stat(filepath.Join(out, "proofreadingstatus.parquet")); err != nil || fi.Size() == 0 {
		t.Fatalf("export: %v", err)
	}
	code, stdout, _ = runCLI(t, map[string]string{"CCC_STORE": filepath.Join(out, "store")}, "check")
	if code != 0 || !strings.Contains(stdout, "1 version(s)") {
		t.Fatalf("check: %d %s", code, stdout)
	}
}
