package projection

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
)

func TestAxonLengthMatrix(t *testing.T) {
	ont := smallOntology(t)
	// 10 x 10 x 10 voxels of 10 um: VISp for AP < 50 um, VISpm above
	vol := atlas.BoxVolume([3]int{10, 10, 10}, 10, []atlas.Box{
		{Lo: [3]float64{0, 0, 0}, Hi: [3]float64{0.5, 1, 1}, Label: 385},
		{Lo: [3]float64{0.5, 0, 0}, Hi: [3]float64{1, 1, 1}, Label: 533},
	})
	dir := t.TempDir()
	swc := filepath.Join(dir, "cell1.swc")
	os.WriteFile(swc, []byte(`# a test neuron
1 1 5 50 50 5 -1
2 2 45 50 50 1 1
3 2 85 50 50 1 2
4 3 5 60 50 1 1
5 2 150 50 50 1 3
`), 0o644)
	m, err := AxonLengthMatrix([]string{swc}, vol, ont, []int64{385, 533, 669, 409})
	if err != nil {
		t.Fatal(err)
	}
	// axon 5->45 (VISp 40), 45->85 (VISp 5, VISpm 35), 85->150 (VISpm 15, rest outside); dendrite ignored
	want := []float64{45, 50, 95, 0}
	for i, w := range want {
		if d := m.Values[i] - w; d > 1e-9 || d < -1e-9 {
			t.Fatalf("values %v, want %v", m.Values, want)
		}
	}
	if m.Rows[0] != "cell1" || m.MeasurementType != "AXON_LENGTH" || m.Unit != "um" || strings.Join(m.RegionAcronyms, ",") != "VISp,VISpm,VIS,VISl" {
		t.Fatalf("matrix %+v", m)
	}
	os.WriteFile(swc, []byte("1 1 5 50 50 5 -1\n2 2 x 50 50 1 1\n3 2 1 1 1 1 9\n"), 0o644)
	_, err = AxonLengthMatrix([]string{swc}, vol, ont, []int64{385})
	if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "cell1.swc:2") {
		t.Fatalf("bad swc: %v", err)
	}
}

func FuzzReadSWC(f *testing.F) {
	f.Add("1 1 0 0 0 1 -1\n2 2 1 1 1 1 1\n")
	f.Add("# c\n1 2 0 0 0 1 5\n")
	f.Fuzz(func(t *testing.T, s string) {
		nodes, err := readSWC(strings.NewReader(s), "f.swc")
		if err == nil && len(nodes) == 0 {
			t.Fatal("no nodes and no error")
		}
	})
}
