package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuickstartSchemaStepSynthetic(t *testing.T) {
	out := filepath.Join(t.TempDir(), "qs")
	code, stdout, stderr := vtRun(t, "quickstart", "--only", "schema", "--out", out, "--data", filepath.Join(out, "no-data"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"ccc validate --open --class BrainRegion synthetic_ccf_ontology.csv\n     7 records, 1 errors",
		`rows[6].color_hex_triplet: "08858G" does not match pattern`,
		"columnar validation (the store loaders' path): 500000 rows in",
		"0 errors",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "schema", "connectivity_erdiagram.mmd"))
	if err != nil || !strings.Contains(string(b), `CellToCellMapping ||--|| DataItem : "source_cell"`) {
		t.Errorf("ER diagram: %v", err)
	}
	for _, f := range []string{"BrainRegion.schema.json", "connectivity_duckdb.sql", "docs/index.md", "docs/BrainRegion.md"} {
		if _, err := os.Stat(filepath.Join(out, "schema", f)); err != nil {
			t.Error(err)
		}
	}
}
