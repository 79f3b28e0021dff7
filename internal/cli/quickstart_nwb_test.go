package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

func TestQuickstartNWBSynthetic(t *testing.T) {
	out := t.TempDir()
	code, stdout, e := runNWBCmd(t, "quickstart", "--only", "store,atlas,nwb", "--out", out, "--data", filepath.Join(out, "no-data"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	for _, w := range []string{
		"wrote a synthetic session synthetic_session.nwb",
		"32 electrodes",
		"data int16 [3000 32] (chunks [1024 32])",
		"32 RecordingSite, 12 SortedUnit; regions 32 from CCF",
		"labelled \"CA1\"",
		"DataItem 1, DataSet 1, NWBArray 1, RecordingSession 1, RecordingSite 32, SortedUnit 12: 0 errors",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("quickstart output lacks %q:\n%s", w, stdout)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "nwb_electrodes.csv"))
	if err != nil || strings.Count(string(b), "\n") != 33 {
		t.Fatalf("electrodes csv: %v", err)
	}
}

func TestQuickstartNWBReal(t *testing.T) {
	p := testenv.SharedData(t, "nwb/aibs_ecephys.nwb")
	out := t.TempDir()
	code, stdout, e := runNWBCmd(t, "quickstart", "--only", "store,nwb", "--out", out, "--data", filepath.Dir(filepath.Dir(p)))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	for _, w := range []string{
		"NWB 2.2.2, session 769322820",
		"cached specifications: core 2.2.2, hdmf-common 1.1.3, ndx-aibs-ecephys 0.2.0",
		"data float32 [10 87] (chunks [47320 1])",
		"10 RecordingSite, 0 SortedUnit",
		"DataItem 1, DataSet 1, NWBArray 2, RecordingSession 1, RecordingSite 10, SortedUnit 0: 0 errors",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("quickstart output lacks %q:\n%s", w, stdout)
		}
	}
	for _, f := range []string{"nwb_electrodes.csv", "nwb_schema.yaml"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
