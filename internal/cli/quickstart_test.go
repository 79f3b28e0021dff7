package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickstartOffline runs every step on a machine without the shared
// data: each falls back to synthetic data, and the steps fit together (the
// synthetic ontology holds every region the projection and NWB demos use).
func TestQuickstartOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every quickstart step")
	}
	out := filepath.Join(t.TempDir(), "qs")
	code, stdout, stderr := runCLI(t, nil, "quickstart", "--out", out, "--data", filepath.Join(out, "no-data"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"== schema", "== atlas", "== synapses", "== projections", "== nwb", "== store",
		"atlas ccf2017: 38 regions, store version 1",
		"ingested 300000 synthetic synapses among 3000 neurons (version 3)",
		"12 experiments x 6 regions",
		"40 cells x 6 regions, version 11",
		"32 RecordingSite, 12 SortedUnit; regions 32 from CCF",
		"store unchanged at version 12",
		"version 13: 4 instances, 0 errors",
		"13 versions of 6 datasets",
		"experiments injected in VISp or its layers (ConnectivityExperiment x BrainRegion)\n     6 (3 wild type)",
		"300000 rows -> synapse.parquet",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in\n%s", want, stdout)
		}
	}
	for _, f := range []string{"atlas_depths.png", "synapse_matrix_binary.png", "synapse_celltype_probability.png",
		"projection_matrix.png", "projection_coronal.png", "nwb_electrodes.csv", "synapse.parquet"} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
