package nwb

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/store"
)

// TestIngestUnknownPeakChannel: units whose peak_channel_id names an
// electrode that the file's electrodes table lacks are counted and their
// electrode ids listed in the file's report (they were silently left
// without a region before).
func TestIngestUnknownPeakChannel(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.nwb")
	if err := WriteSynthetic(p, SynthOptions{Electrodes: 4, Samples: 10, Units: 4, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	h, err := hdf5.OpenRW(p)
	if err != nil {
		t.Fatal(err)
	}
	// a new peak channel column: units 1 and 3 point at electrodes 99 and 77
	h.WriteDataset(UnitsPath+"/peak_channel", []int64{0, 99, 2, 77}, []int{4}, nil)
	h.SetAttr(UnitsPath+"/peak_channel", "neurodata_type", "VectorData")
	h.SetAttr(UnitsPath+"/peak_channel", "namespace", "hdmf-common")
	h.SetAttr(UnitsPath, "colnames", []string{"spike_times", "quality", "peak_channel"})
	h.Close()
	st, err := store.Init(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := Ingest(context.Background(), st, []string{p}, IngestOptions{Dataset: "pk", Locate: func(x, y, z float64) (int64, bool) { return 385, true }})
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[0]
	if f.UnknownPeakChannels != 2 || !slices.Equal(f.UnknownPeakChannelIDs, []int64{99, 77}) {
		t.Fatalf("unknown peak channels %d %v", f.UnknownPeakChannels, f.UnknownPeakChannelIDs)
	}
}
