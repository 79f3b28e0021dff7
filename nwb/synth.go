package nwb

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// SynthOptions size a synthetic NWB file.
type SynthOptions struct {
	Electrodes int      // electrodes (channels); default 16
	Samples    int      // ElectricalSeries samples; default 1000
	ChunkRows  int      // chunk length along time; default 1024
	ChunkChans int      // chunk width along channels; default all (Allen LFP files use 1)
	Units      int      // units; default 8
	SpikesPer  int      // mean spikes per unit; default 20
	Locations  []string // location labels cycled over electrodes (default: by depth, see WriteSynthetic)
	Identifier string   // the session's NWB identifier; default synthetic-0001
	Seed       uint64
	// FromCCF, when set, maps each electrode's CCF point (um) to the
	// coordinates written as x, y, z (a file in another space, e.g.
	// stereotaxic mm from bregma).
	FromCCF func(p [3]float64) [3]float64
}

// WriteSynthetic writes a small but structurally faithful NWB 2.2-style
// file with libhdf5 (no Python needed): session metadata, a device and an
// electrode group, the electrodes table (x, y, z in CCF um, location,
// group reference, group_name), a chunked gzip ElectricalSeries with an
// electrodes region, and a units table with ragged spike_times, quality and
// a few metrics. It caches no specifications (readers treat core and
// hdmf-common as built in). The quickstart and the benchmarks use it.
func WriteSynthetic(p string, o SynthOptions) error {
	if o.Electrodes <= 0 {
		o.Electrodes = 16
	}
	if o.Samples <= 0 {
		o.Samples = 1000
	}
	if o.ChunkRows <= 0 {
		o.ChunkRows = 1024
	}
	if o.Units < 0 {
		o.Units = 0
	} else if o.Units == 0 {
		o.Units = 8
	}
	if o.SpikesPer <= 0 {
		o.SpikesPer = 20
	}
	if o.Identifier == "" {
		o.Identifier = "synthetic-0001"
	}
	rng := rand.New(rand.NewPCG(o.Seed, 42))
	f, err := hdf5.Create(p)
	if err != nil {
		return err
	}
	w := &synthWriter{f: f}
	typ := func(path, ns, t string) {
		w.attr(path, "namespace", ns)
		w.attr(path, "neurodata_type", t)
		w.attr(path, "object_id", fmt.Sprintf("%08x-0000-4000-8000-%012x", rng.Uint32(), rng.Uint64()&0xffffffffffff))
	}
	typ("/", "core", "NWBFile")
	w.attr("/", "nwb_version", "2.2.2")
	w.ds("/identifier", []string{o.Identifier}, nil, nil)
	w.ds("/session_description", []string{"synthetic Neuropixels-like session written by ccc"}, nil, nil)
	w.ds("/session_start_time", []string{"2024-01-01T12:00:00+00:00"}, nil, nil)
	w.ds("/timestamps_reference_time", []string{"2024-01-01T12:00:00+00:00"}, nil, nil)
	w.ds("/file_create_date", []string{"2024-01-01T12:00:00+00:00"}, []int{1}, nil)
	w.ds("/general/institution", []string{"ccc"}, nil, nil)
	w.ds("/general/subject/subject_id", []string{"synthetic-mouse"}, nil, nil)
	w.ds("/general/subject/species", []string{"Mus musculus"}, nil, nil)
	typ("/general/subject", "core", "Subject")
	w.group("/general/devices/probeA")
	typ("/general/devices/probeA", "core", "Device")
	w.attr("/general/devices/probeA", "description", "synthetic Neuropixels probe")
	eg := "/general/extracellular_ephys/probeA"
	w.group(eg)
	typ(eg, "core", "ElectrodeGroup")
	w.attr(eg, "description", "synthetic shank")
	w.attr(eg, "location", "VISp")
	w.link(eg+"/device", "/general/devices/probeA")
	for _, g := range []string{"/acquisition", "/analysis", "/processing", "/stimulus/presentation", "/stimulus/templates"} {
		w.group(g)
	}

	n := o.Electrodes
	et := ElectrodesPath
	w.group(et)
	typ(et, "hdmf-common", "DynamicTable")
	w.attr(et, "description", "metadata about extracellular electrodes")
	cols := []string{"x", "y", "z", "imp", "location", "filtering", "group", "group_name", "local_index"}
	w.attr(et, "colnames", cols)
	ids := make([]int64, n)
	x, y, z, imp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	loc, filt, gname := make([]string, n), make([]string, n), make([]string, n)
	refs := make([]hdf5.Ref, n)
	local := make([]int64, n)
	for i := 0; i < n; i++ {
		ids[i] = int64(i)
		// a straight shank, CCF um (AP, DV, ML), from visual cortex down
		// to the thalamus (through atlas.DemoBoxes' VISp, Isocortex, TH)
		x[i] = 4000 + 2*float64(i)
		y[i] = 1000 + 5000*float64(i)/float64(n)
		z[i] = 3000 + float64(i)
		if o.FromCCF != nil {
			q := o.FromCCF([3]float64{x[i], y[i], z[i]})
			x[i], y[i], z[i] = q[0], q[1], q[2]
		}
		imp[i] = math.NaN()
		if len(o.Locations) > 0 {
			loc[i] = o.Locations[i*len(o.Locations)/n]
		} else {
			// labels as a histology pipeline might give them; the CA1 ones
			// are deliberately wrong (the shank is in cortex there)
			switch {
			case y[i] < 1200:
				loc[i] = "VISp1"
			case y[i] < 2400:
				loc[i] = "VISp"
			case y[i] < 4400:
				loc[i] = "CA1"
			default:
				loc[i] = "LGd"
			}
		}
		filt[i] = "AP band: 500 Hz high-pass"
		gname[i] = "probeA"
		refs[i] = hdf5.Ref{Path: eg}
		local[i] = int64(i)
	}
	w.ds(et+"/id", ids, []int{n}, nil)
	typ(et+"/id", "hdmf-common", "ElementIdentifiers")
	for _, c := range []struct {
		name string
		data any
		desc string
	}{{"x", x, "x coordinate (AP, um)"}, {"y", y, "y coordinate (DV, um)"}, {"z", z, "z coordinate (ML, um)"}, {"imp", imp, "impedance"},
		{"location", loc, "location of the channel"}, {"filtering", filt, "hardware filtering"}, {"group", refs, "electrode group"},
		{"group_name", gname, "electrode group name"}, {"local_index", local, "channel index on the probe"}} {
		w.ds(et+"/"+c.name, c.data, []int{n}, nil)
		typ(et+"/"+c.name, "hdmf-common", "VectorData")
		w.attr(et+"/"+c.name, "description", c.desc)
	}

	// ElectricalSeries: int16 samples, chunked along time
	sp := "/acquisition/ElectricalSeries"
	w.group(sp)
	typ(sp, "core", "ElectricalSeries")
	w.attr(sp, "description", "synthetic voltage")
	data := make([]int16, o.Samples*n)
	for i := range data {
		t := float64(i / n)
		data[i] = int16(200*math.Sin(t/30+float64(i%n)) + 20*rng.NormFloat64())
	}
	chunk := min(o.ChunkRows, o.Samples)
	cw := n
	if o.ChunkChans > 0 {
		cw = min(o.ChunkChans, n)
	}
	w.ds(sp+"/data", data, []int{o.Samples, n}, &hdf5.WriteOptions{Chunks: []int{chunk, cw}, Gzip: 1, MaxShape: []int{-1, n}})
	w.attr(sp+"/data", "unit", "volts")
	w.attr(sp+"/data", "conversion", 0.195e-6)
	w.attr(sp+"/data", "resolution", -1.0)
	w.ds(sp+"/starting_time", []float64{0}, nil, nil)
	w.attr(sp+"/starting_time", "rate", 30000.0)
	w.attr(sp+"/starting_time", "unit", "seconds")
	w.ds(sp+"/electrodes", ids, []int{n}, nil)
	typ(sp+"/electrodes", "hdmf-common", "DynamicTableRegion")
	w.attr(sp+"/electrodes", "description", "all channels")
	w.attr(sp+"/electrodes", "table", hdf5.Ref{Path: et})

	if o.Units > 0 {
		w.units(o, rng, typ)
	}
	if w.err != nil {
		f.Close()
		return w.err
	}
	return f.Close()
}

func (w *synthWriter) units(o SynthOptions, rng *rand.Rand, typ func(path, ns, t string)) {
	u := UnitsPath
	nu := o.Units
	w.group(u)
	typ(u, "core", "Units")
	w.attr(u, "description", "synthetic sorted units")
	w.attr(u, "colnames", []string{"spike_times", "quality", "peak_channel_id", "firing_rate", "amplitude", "isi_violations", "snr", "presence_ratio"})
	ids := make([]int64, nu)
	index := make([]int64, nu)
	var spikes []float64
	quality := make([]string, nu)
	peak := make([]int64, nu)
	rate, amp, isi, snr, pres := make([]float64, nu), make([]float64, nu), make([]float64, nu), make([]float64, nu), make([]float64, nu)
	qual := []string{"good", "good", "mua", "noise"}
	for i := 0; i < nu; i++ {
		ids[i] = int64(i)
		k := rng.IntN(2*o.SpikesPer + 1)
		t := 0.0
		for j := 0; j < k; j++ {
			t += rng.ExpFloat64() * 0.1
			spikes = append(spikes, t)
		}
		index[i] = int64(len(spikes))
		quality[i] = qual[rng.IntN(len(qual))]
		peak[i] = int64(rng.IntN(o.Electrodes))
		rate[i] = float64(k) / 3
		amp[i] = 50 + 100*rng.Float64()
		isi[i] = rng.Float64() * 0.5
		snr[i] = 1 + 4*rng.Float64()
		pres[i] = 0.8 + 0.2*rng.Float64()
	}
	var big *hdf5.WriteOptions
	if nu > 100000 {
		big = &hdf5.WriteOptions{Chunks: []int{65536}, Gzip: 1}
	}
	bigS := big
	if bigS != nil && len(spikes) < 65536 {
		bigS = nil
	}
	w.ds(u+"/id", ids, []int{nu}, big)
	typ(u+"/id", "hdmf-common", "ElementIdentifiers")
	w.ds(u+"/spike_times", spikes, []int{len(spikes)}, bigS)
	typ(u+"/spike_times", "hdmf-common", "VectorData")
	w.attr(u+"/spike_times", "description", "spike times, s")
	w.ds(u+"/spike_times_index", index, []int{nu}, big)
	typ(u+"/spike_times_index", "hdmf-common", "VectorIndex")
	w.attr(u+"/spike_times_index", "target", hdf5.Ref{Path: u + "/spike_times"})
	for _, c := range []struct {
		name string
		data any
	}{{"quality", quality}, {"peak_channel_id", peak}, {"firing_rate", rate}, {"amplitude", amp}, {"isi_violations", isi}, {"snr", snr}, {"presence_ratio", pres}} {
		w.ds(u+"/"+c.name, c.data, []int{nu}, big)
		typ(u+"/"+c.name, "hdmf-common", "VectorData")
		w.attr(u+"/"+c.name, "description", c.name)
	}
}

// synthWriter keeps the first error so the writing code stays linear.
type synthWriter struct {
	f   *hdf5.File
	err error
}

func (w *synthWriter) ds(p string, data any, shape []int, o *hdf5.WriteOptions) {
	if w.err == nil {
		w.err = w.f.WriteDataset(p, data, shape, o)
	}
}

func (w *synthWriter) attr(p, name string, v any) {
	if w.err == nil {
		w.err = w.f.SetAttr(p, name, v)
	}
}

func (w *synthWriter) group(p string) {
	if w.err == nil {
		w.err = w.f.CreateGroup(p)
	}
}

func (w *synthWriter) link(p, target string) {
	if w.err == nil {
		w.err = w.f.SoftLink(p, target)
	}
}
