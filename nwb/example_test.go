package nwb_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/nwb"
)

// Open a file, read a DynamicTable column (ragged through its VectorIndex)
// and slice an ElectricalSeries lazily.
func Example() {
	dir, _ := os.MkdirTemp("", "nwb-example")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "session.nwb")
	if err := nwb.WriteSynthetic(p, nwb.SynthOptions{Electrodes: 8, Samples: 100, Units: 3, Seed: 1}); err != nil {
		panic(err)
	}
	f, err := nwb.Open(p)
	if err != nil {
		panic(err)
	}
	defer f.Close()

	el, _ := f.Table(nwb.ElectrodesPath)
	fmt.Println("electrodes:", el.Rows, el.ColumnNames())
	loc, _ := el.Column("location")
	cd, _ := loc.Read()
	fmt.Println("first location:", cd.Cell(0))

	units, _ := f.Table(nwb.UnitsPath)
	st, _ := units.Column("spike_times")
	fmt.Println("spike_times ragged levels:", st.Ragged())

	s, _ := f.Series("/acquisition/ElectricalSeries")
	a, _ := s.Data().Slice([]int{10, 0}, []int{2, 3}) // rows 10:12, channels 0:3
	fmt.Println("series shape:", s.Shape(), "slice shape:", a.Shape, "rate:", s.Rate)
	// Output:
	// electrodes: 8 [x y z imp location filtering group group_name local_index]
	// first location: VISp1
	// spike_times ragged levels: 1
	// series shape: [100 8] slice shape: [2 3] rate: 30000
}
