package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// TestQuickstartProjections runs the store, atlas and projections steps on
// the real data directory (experiment table, injection summary).
func TestQuickstartProjections(t *testing.T) {
	table := testenv.SharedData(t, "allen-connectivity/allenAtlasProjection_info.csv")
	data := filepath.Dir(filepath.Dir(table))
	out := t.TempDir()
	stdout, e, code := runProj(t, "quickstart", "--only", "store,atlas,projections", "--out", out, "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, e, stdout)
	}
	for _, w := range []string{
		"2917 experiments (498 wild type, 2419 Cre)",
		"283 experiments (33 wild type)",
		"experiment 100141219: 38 unionize records, injection volume 0.2043 mm^3",
		"artifact aggregate/quickstart-ap",
		"40 cells x 6 regions",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("quickstart output lacks %q:\n%s", w, stdout)
		}
	}
	// the tables conform to the schema classes (closed world, like linkml-validate)
	st, err := store.Open(filepath.Join(out, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sn, _ := st.Snapshot(store.Ref{})
	for _, tc := range []struct{ dataset, class string }{
		{projection.DefaultDataset, projection.ExperimentClass}, {projection.DefaultDataset, projection.SummaryClass},
		{projection.DefaultDataset, projection.MatrixClass}, {projection.DefaultDataset, projection.DataItemClass},
		{projection.DefaultDataset, projection.DataSetClass}, {"mapseq_demo", projection.MatrixClass},
		{"mapseq_demo", projection.DataItemClass}, {"mapseq_demo", projection.DataSetClass},
	} {
		class := tc.class
		ti, err := sn.Table(tc.dataset, class)
		if err != nil {
			t.Fatal(err)
		}
		if vo, ve, code := runProj(t, "validate", "--class", class, ti.Path); code != 0 {
			t.Errorf("%s does not validate: %s%s", class, vo, ve)
		}
	}
	for _, f := range []string{"visp_experiments.csv", "projection_metadata.csv", "projection_horizontal_max.png", "projection_coronal.png", "projection_matrix.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
