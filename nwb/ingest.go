package nwb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/space"
	"github.com/ccc-connectivity/ccc/store"
)

// ElectrodesPath and UnitsPath are where NWB keeps the tables Ingest reads.
const (
	ElectrodesPath = "/general/extracellular_ephys/electrodes"
	UnitsPath      = "/units"
)

// IngestOptions control Ingest.
type IngestOptions struct {
	Dataset string
	Message string
	// Ontology resolves location labels (acronyms) to regions; nil skips
	// region resolution.
	Ontology *atlas.Ontology
	// Locate maps a CCF point (um) to a region id (from an annotation
	// volume); nil when no volume is available.
	Locate func(x, y, z float64) (int64, bool)
	// Workers bounds the files read in parallel (default min(4, NumCPU)).
	Workers int
	// Progress is called after each file (done, total).
	Progress func(done, total int)
	// Append keeps the dataset's sessions and adds the new ones (a session
	// identifier the dataset already holds rejects that file); by default
	// the new version's sessions replace the dataset's.
	Append bool
	// Space, when set, is the coordinate space of the electrodes' x, y, z
	// (other than the CCF in um): they are mapped to the CCF for the
	// volume lookup and kept as given; sites add coordinate_space,
	// space_transform and the CCF point (ccf_ap_um, ccf_dv_um, ccf_ml_um).
	// Needs Locate.
	Space *space.Mapping
	// Check, when set, is called with each file before it is read; an
	// error rejects the file (the CLI reads it in a child process first,
	// so that a file crashing libhdf5 is skipped, not fatal).
	Check func(path string) error
}

// FileReport is what happened to one file.
type FileReport struct {
	Path       string `json:"path"`
	Identifier string `json:"identifier,omitempty"`
	Electrodes int    `json:"electrodes"`
	Units      int    `json:"units"`
	Arrays     int    `json:"arrays"`
	// UnknownPeakChannels counts units whose peak_channel names an
	// electrode that is not in the file's electrodes table (their
	// brain_region stays empty); UnknownPeakChannelIDs lists the first
	// ten such electrode ids.
	UnknownPeakChannels   int     `json:"unknown_peak_channels,omitempty"`
	UnknownPeakChannelIDs []int64 `json:"unknown_peak_channel_ids,omitempty"`
	Err                   error   `json:"-"`
	Error                 string  `json:"error,omitempty"`
}

// RegionNote reports an electrode whose file label and atlas position
// disagree, or whose label the ontology does not know.
type RegionNote struct {
	File        string `json:"file"`
	ElectrodeID int64  `json:"electrode_id"`
	Location    string `json:"location"`
	CCFRegion   string `json:"ccf_region,omitempty"`
	Problem     string `json:"problem"`
}

// IngestReport summarizes an ingest.
type IngestReport struct {
	Dataset    string       `json:"dataset"`
	Version    int          `json:"version"`
	Files      []FileReport `json:"files"`
	Good       int          `json:"good_files"`
	Bad        int          `json:"bad_files"`
	Electrodes int          `json:"electrodes"`
	Units      int          `json:"units"`
	Regions    struct {
		FromCCF      int `json:"from_ccf"`
		FromLocation int `json:"from_location"`
		Unresolved   int `json:"unresolved"`
	} `json:"regions"`
	Notes []RegionNote `json:"notes,omitempty"`
}

// extracted is one file's rows, held until the whole batch is written.
type extracted struct {
	path, item string
	info       *Info
	sites      siteRows
	units      unitRows
	arrays     []arrayRow
	notes      []RegionNote
	badPeak    int     // units whose peak channel is not an electrode of the file
	badPeakIDs []int64 // the first ten such electrode ids (distinct)
	fromCCF    int
	fromLoc    int
	unresolved int
}

type siteRows struct {
	id                       []int64
	x, y, z, imp, hpos, vpos []float64
	location, probe, filt    []string
	channel                  []any
	valid                    []any
	region, ccf, locRegion   []any
	source                   []string
	cx, cy, cz               []float64 // CCF point (IngestOptions.Space only)
}

type unitRows struct {
	id, row    []int64
	peak       []any
	cluster    []any
	quality    []string
	metrics    map[string][]any
	region     []any
	spikeTimes string
}

type arrayRow struct {
	path, typ, dtype string
	shape, chunks    []int
}

// unitMetrics are the SortedUnit slots taken from units columns of the
// same name (PT_ratio -> pt_ratio).
var unitMetrics = []string{"firing_rate", "amplitude", "amplitude_cutoff", "isi_violations", "presence_ratio", "snr",
	"isolation_distance", "l_ratio", "d_prime", "nn_hit_rate", "nn_miss_rate", "silhouette_score", "max_drift",
	"cumulative_drift", "waveform_duration", "waveform_halfwidth", "spread", "pt_ratio", "recovery_slope", "repolarization_slope"}

// NWBFiles lists the .nwb files of a directory (sorted), or the file itself.
func NWBFiles(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, &ccc.Error{Op: "ingest nwb", Path: p, Row: -1, Msg: "no such file or directory", Kind: ccc.ErrNotFound, Err: err}
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(q string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(q), ".nwb") {
			out = append(out, q)
		}
		return nil
	})
	sort.Strings(out)
	if err == nil && len(out) == 0 {
		return nil, &ccc.Error{Op: "ingest nwb", Path: p, Row: -1, Msg: "directory holds no .nwb files", Kind: ccc.ErrNotFound}
	}
	return out, err
}

// Ingest reads the NWB files (in parallel, bounded) and writes DataSet,
// DataItem, RecordingSession, RecordingSite, SortedUnit and NWBArray tables
// (each conforming to its class of the built-in schema) for the good ones
// in one store version. A bad file is reported in its FileReport and
// contributes nothing. When no file is good nothing is written and the
// error joins every file's error.
func Ingest(ctx context.Context, st *store.Store, files []string, o IngestOptions) (*IngestReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := store.ValidDataset(o.Dataset); err != nil {
		return nil, err
	}
	if o.Space != nil && o.Locate == nil {
		return nil, &ccc.Error{Op: "ingest nwb", Row: -1, Field: "space", Value: o.Space.Space, Kind: ccc.ErrUsage,
			Msg:  "the electrodes' positions have no path to a region: the store's atlas has no annotation volume to look their CCF points up in",
			Hint: "add one ('ccc atlas volume add FILE' or 'ccc atlas download'), or ingest without --space (regions from the location labels)"}
	}
	workers := o.Workers
	if workers <= 0 {
		workers = min(4, runtime.NumCPU())
	}
	results := make([]*extracted, len(files))
	reports := make([]FileReport, len(files))
	var mu sync.Mutex
	done := 0
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				var ex *extracted
				var err error
				if o.Check != nil {
					err = o.Check(files[i])
				}
				if err == nil {
					ex, err = extract(files[i], o)
				}
				rep := FileReport{Path: files[i]}
				if err != nil {
					rep.Err, rep.Error = err, err.Error()
				} else {
					results[i] = ex
					rep.Identifier, rep.Electrodes, rep.Units, rep.Arrays = ex.item, len(ex.sites.id), len(ex.units.id), len(ex.arrays)
					rep.UnknownPeakChannels, rep.UnknownPeakChannelIDs = ex.badPeak, ex.badPeakIDs
				}
				reports[i] = rep
				mu.Lock()
				done++
				if o.Progress != nil {
					o.Progress(done, len(files))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &IngestReport{Dataset: o.Dataset, Files: reports}
	var good []*extracted
	var errs []error
	seen := map[string]string{}
	for i, ex := range results {
		if ex == nil {
			rep.Bad++
			errs = append(errs, reports[i].Err)
			continue
		}
		if prev, dup := seen[ex.item]; dup {
			err := &ccc.Error{Op: "ingest nwb", Path: ex.path, Row: -1, Field: "identifier", Value: ex.item,
				Msg: "session identifier already used by " + prev, Kind: ccc.ErrConflict}
			reports[i].Err, reports[i].Error = err, err.Error()
			rep.Bad++
			errs = append(errs, err)
			continue
		}
		seen[ex.item] = ex.path
		good = append(good, ex)
		rep.Good++
		rep.Electrodes += len(ex.sites.id)
		rep.Units += len(ex.units.id)
		rep.Regions.FromCCF += ex.fromCCF
		rep.Regions.FromLocation += ex.fromLoc
		rep.Regions.Unresolved += ex.unresolved
		rep.Notes = append(rep.Notes, ex.notes...)
	}
	rep.Files = reports
	if len(good) == 0 {
		return rep, errors.Join(errs...)
	}
	msg := o.Message
	if msg == "" {
		msg = fmt.Sprintf("nwb ingest: %d file(s)", len(good))
	}
	params := map[string]any{"command": "nwb ingest", "files": len(files), "bad_files": rep.Bad}
	if o.Append {
		params["append"] = true
	}
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: o.Dataset, Message: msg, Params: params})
	if err != nil {
		return rep, err
	}
	var prev *store.Snapshot // with Append: the dataset as it is, under the writer lock until Commit
	if o.Append {
		if prev, err = st.Snapshot(store.Ref{}); err != nil {
			tx.Rollback()
			return rep, err
		}
		have, err := existingSessions(ctx, prev, o.Dataset)
		if err != nil {
			tx.Rollback()
			return rep, err
		}
		kept := good[:0]
		for _, ex := range good {
			if !have[ex.item] {
				kept = append(kept, ex)
				continue
			}
			err := &ccc.Error{Op: "ingest nwb", Path: ex.path, Row: -1, Field: "identifier", Value: ex.item, Kind: ccc.ErrConflict,
				Msg:  fmt.Sprintf("dataset %s already holds session %s (version %d)", o.Dataset, ex.item, prev.Number()),
				Hint: "leave the file out, or ingest every session of the dataset again without --append"}
			for i := range reports {
				if reports[i].Identifier == ex.item && reports[i].Err == nil {
					reports[i].Err, reports[i].Error = err, err.Error()
				}
			}
			rep.Bad++
			rep.Good--
			rep.Electrodes -= len(ex.sites.id)
			rep.Units -= len(ex.units.id)
			rep.Regions.FromCCF -= ex.fromCCF
			rep.Regions.FromLocation -= ex.fromLoc
			rep.Regions.Unresolved -= ex.unresolved
			rep.Notes = slices.DeleteFunc(rep.Notes, func(n RegionNote) bool { return n.File == ex.path })
			errs = append(errs, err)
		}
		good = kept
		if len(good) == 0 {
			tx.Rollback()
			return rep, errors.Join(errs...)
		}
	}
	inputs := make([]string, len(good))
	for i, ex := range good {
		inputs[i] = ex.path
	}
	tx.SetInputs(inputs)
	if err := writeIngest(ctx, tx, o.Dataset, good, o.Space); err != nil {
		tx.Rollback()
		return rep, err
	}
	nwbFiles := inputs
	if o.Append {
		if err := appendEarlier(ctx, prev, tx, o.Dataset); err != nil {
			tx.Rollback()
			return rep, err
		}
		nwbFiles = append(earlierFiles(prev, o.Dataset), inputs...)
	}
	tx.SetMeta("nwb_files", nwbFiles)
	v, err := tx.Commit()
	if err != nil {
		return rep, err
	}
	rep.Version = v.Number
	return rep, nil
}

// Probe reads path as Ingest does (every object ingest reads) and discards
// the rows: the child-process check of the CLI.
func Probe(path string) error {
	_, err := extract(path, IngestOptions{})
	return err
}

// extract reads one file's rows; any error rejects the whole file.
func extract(p string, o IngestOptions) (*extracted, error) {
	f, err := Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := f.CheckTypes(); err != nil {
		return nil, err
	}
	info, err := f.Info()
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(p)
	ex := &extracted{path: abs, info: info, item: info.Identifier}
	if ex.item == "" {
		ex.item = strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	}
	if f.H5.Exists(ElectrodesPath) {
		if err := ex.readSites(f, o); err != nil {
			return nil, err
		}
	}
	if f.H5.Exists(UnitsPath) {
		if err := ex.readUnits(f); err != nil {
			return nil, err
		}
	}
	info.Tree.Walk(func(n *Node) {
		if n.Group || n.Link != "" || len(n.Shape) < 2 && n.Name != "data" {
			return
		}
		if strings.HasPrefix(n.Path, "/general") {
			return
		}
		ex.arrays = append(ex.arrays, arrayRow{path: n.Path, typ: parentType(info.Tree, n.Path), dtype: n.DType, shape: n.Shape, chunks: n.Chunks})
	})
	return ex, nil
}

func parentType(root *Node, p string) string {
	dir := p[:strings.LastIndexByte(p, '/')]
	t := ""
	root.Walk(func(n *Node) {
		if n.Path == dir {
			t = n.NeurodataType
		}
	})
	return t
}

// colFloats, colStrings, colInts read an optional column (nil when absent).
func colArray(t *Table, name string) (*hdf5.Array, error) {
	c, err := t.Column(name)
	if err != nil {
		return nil, nil
	}
	if c.Ragged() > 0 {
		return nil, nil
	}
	d, err := t.f.H5.Dataset(c.Path)
	if err != nil {
		return nil, err
	}
	return d.Read()
}

func (ex *extracted) readSites(f *File, o IngestOptions) error {
	t, err := f.Table(ElectrodesPath)
	if err != nil {
		return err
	}
	ids, err := t.IDs()
	if err != nil {
		return err
	}
	n := len(ids)
	s := &ex.sites
	s.id = ids
	floats := func(name string) ([]float64, error) {
		a, err := colArray(t, name)
		if err != nil || a == nil {
			out := make([]float64, n)
			for i := range out {
				out[i] = math.NaN()
			}
			return out, err
		}
		return a.Float64s()
	}
	strs := func(name string) ([]string, error) {
		a, err := colArray(t, name)
		if err != nil || a == nil {
			return make([]string, n), err
		}
		return a.Strings(), nil
	}
	var errs []error
	for _, c := range []struct {
		name string
		dst  *[]float64
	}{{"x", &s.x}, {"y", &s.y}, {"z", &s.z}, {"imp", &s.imp}, {"probe_horizontal_position", &s.hpos}, {"probe_vertical_position", &s.vpos}} {
		v, err := floats(c.name)
		if err != nil {
			errs = append(errs, fmt.Errorf("column %s: %w", c.name, err))
		}
		*c.dst = v
	}
	// AllenSDK files keep the CCF position in *_ccf_coordinate columns
	// and leave x, y, z empty
	if allNaN(s.x) && allNaN(s.y) && allNaN(s.z) && o.Space != nil {
		return &ccc.Error{Op: "ingest nwb", Path: ex.path, Row: -1, Field: "x", Value: o.Space.Space, Kind: ccc.ErrInvalidData,
			Msg:  "--space names the space of the electrodes' x, y, z, and the electrodes table has none",
			Hint: "ingest this file without --space"}
	}
	if allNaN(s.x) && allNaN(s.y) && allNaN(s.z) {
		for _, c := range []struct {
			name string
			dst  *[]float64
		}{{"anterior_posterior_ccf_coordinate", &s.x}, {"dorsal_ventral_ccf_coordinate", &s.y}, {"left_right_ccf_coordinate", &s.z}} {
			if _, err := t.Column(c.name); err == nil {
				v, err := floats(c.name)
				if err != nil {
					errs = append(errs, fmt.Errorf("column %s: %w", c.name, err))
				}
				*c.dst = v
			}
		}
	}
	for _, c := range []struct {
		name string
		dst  *[]string
	}{{"location", &s.location}, {"filtering", &s.filt}} {
		v, err := strs(c.name)
		if err != nil {
			errs = append(errs, err)
		}
		*c.dst = v
	}
	// probe: group_name, else the electrode group reference's name
	s.probe, _ = strs("group_name")
	if g, _ := colArray(t, "group"); g != nil && allEmpty(s.probe) {
		for i, r := range g.Strings() {
			s.probe[i] = r[strings.LastIndexByte(r, '/')+1:]
		}
	}
	s.channel = make([]any, n)
	if a, _ := colArray(t, "local_index"); a != nil {
		v, err := a.Int64s()
		if err == nil {
			for i := range v {
				s.channel[i] = v[i]
			}
		}
	}
	s.valid = make([]any, n)
	if a, _ := colArray(t, "valid_data"); a != nil {
		if b, ok := a.Data.([]bool); ok {
			for i := range b {
				s.valid[i] = b[i]
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.region, s.ccf, s.locRegion, s.source = make([]any, n), make([]any, n), make([]any, n), make([]string, n)
	px, py, pz := s.x, s.y, s.z
	if o.Space != nil {
		s.cx, s.cy, s.cz = make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			q := o.Space.ToCCF.Apply([3]float64{s.x[i], s.y[i], s.z[i]})
			s.cx[i], s.cy[i], s.cz[i] = q[0], q[1], q[2]
		}
		px, py, pz = s.cx, s.cy, s.cz
	}
	for i := 0; i < n; i++ {
		var ccfID, locID int64
		var haveCCF, haveLoc bool
		if o.Locate != nil && finite(px[i], py[i], pz[i]) {
			ccfID, haveCCF = o.Locate(px[i], py[i], pz[i])
		}
		loc := strings.TrimSpace(s.location[i])
		if o.Ontology != nil && loc != "" {
			if r, err := o.Ontology.Lookup(loc); err == nil {
				locID, haveLoc = r.ID, true
			} else {
				ex.notes = append(ex.notes, RegionNote{File: ex.path, ElectrodeID: ids[i], Location: loc, Problem: "location label not in the ontology"})
			}
		}
		if haveCCF {
			s.ccf[i] = ccfID
		}
		if haveLoc {
			s.locRegion[i] = locID
		}
		switch {
		case haveCCF:
			s.region[i], s.source[i] = ccfID, "ccf"
			ex.fromCCF++
			if haveLoc && ccfID != locID && !o.Ontology.IsDescendant(ccfID, locID) {
				name := fmt.Sprint(ccfID)
				if r, ok := o.Ontology.ByID(ccfID); ok {
					name = r.Acronym
				}
				ex.notes = append(ex.notes, RegionNote{File: ex.path, ElectrodeID: ids[i], Location: loc, CCFRegion: name,
					Problem: "CCF position lies outside the labelled region"})
			}
		case haveLoc:
			s.region[i], s.source[i] = locID, "location"
			ex.fromLoc++
		default:
			ex.unresolved++
		}
	}
	return nil
}

func allNaN(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) {
			return false
		}
	}
	return true
}

func allNil(v []any) bool {
	for _, x := range v {
		if x != nil {
			return false
		}
	}
	return true
}

func allEmpty(s []string) bool {
	for _, v := range s {
		if v != "" {
			return false
		}
	}
	return true
}

func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func (ex *extracted) readUnits(f *File) error {
	t, err := f.Table(UnitsPath)
	if err != nil {
		return err
	}
	ids, err := t.IDs()
	if err != nil {
		return err
	}
	n := len(ids)
	u := &ex.units
	u.id = ids
	u.row = make([]int64, n)
	for i := range u.row {
		u.row[i] = int64(i)
	}
	ints := func(names ...string) []any {
		out := make([]any, n)
		for _, name := range names {
			if a, _ := colArray(t, name); a != nil {
				if v, err := a.Int64s(); err == nil {
					for i := range v {
						out[i] = v[i]
					}
					return out
				}
			}
		}
		return out
	}
	u.peak = ints("peak_channel_id", "peak_channel")
	if allNil(u.peak) {
		// no peak channel column: the first electrode of the unit's
		// electrodes region (a ragged DynamicTableRegion into electrodes)
		if c, err := t.Column("electrodes"); err == nil && c.Target != "" {
			cd, err := c.Read()
			if err != nil {
				return err
			}
			for i := range u.peak {
				var first int64 = -1
				switch v := cd.Cell(i).(type) {
				case int64:
					first = v
				case []int64:
					if len(v) > 0 {
						first = v[0]
					}
				}
				if first >= 0 && c.Target == ElectrodesPath && int(first) < len(ex.sites.id) {
					u.peak[i] = ex.sites.id[first]
				}
			}
		}
	}
	u.cluster = ints("cluster_id")
	u.quality = make([]string, n)
	if a, _ := colArray(t, "quality"); a != nil {
		u.quality = a.Strings()
	}
	u.metrics = map[string][]any{}
	names := map[string]string{}
	for _, c := range t.Columns {
		names[strings.ToLower(c.Name)] = c.Name
	}
	for _, m := range unitMetrics {
		out := make([]any, n)
		if col, ok := names[m]; ok {
			if a, _ := colArray(t, col); a != nil {
				if v, err := a.Float64s(); err == nil && len(v) == n {
					for i := range v {
						if !math.IsNaN(v[i]) {
							out[i] = v[i]
						}
					}
				}
			}
		}
		u.metrics[m] = out
	}
	if c, err := t.Column("spike_times"); err == nil {
		u.spikeTimes = c.Path
	}
	// region of the unit = region of its peak channel's electrode
	u.region = make([]any, n)
	siteRegion := map[int64]any{}
	for i, id := range ex.sites.id {
		siteRegion[id] = nil
		if ex.sites.region != nil {
			siteRegion[id] = ex.sites.region[i]
		}
	}
	for i, p := range u.peak {
		if pid, ok := p.(int64); ok {
			r, known := siteRegion[pid]
			u.region[i] = r
			if !known {
				ex.badPeak++
				if len(ex.badPeakIDs) < 10 && !slices.Contains(ex.badPeakIDs, pid) {
					ex.badPeakIDs = append(ex.badPeakIDs, pid)
				}
			}
		}
	}
	return nil
}

// scopedID is the identifier of an electrode or unit among sessions:
// <session identifier>:<id in the file>. Files written by pynwb number
// electrodes and units from 0, so the file's id alone collides as soon as
// a dataset holds two sessions.
func scopedID(session string, id int64) string {
	return session + ":" + strconv.FormatInt(id, 10)
}

func nullF(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// startTime parses an NWB session_start_time (ISO 8601 with a time zone,
// as the NWB specification requires); nil when absent or without a zone.
func startTime(s string) any {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return nil
}

func nullS(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeIngest writes the six tables of the good files.
func writeIngest(ctx context.Context, tx *store.Tx, dataset string, good []*extracted, sp *space.Mapping) error {
	if err := writeRows(ctx, tx.TablePath("DataSet"), []sqlCol{{"id", "VARCHAR"}, {"name", "VARCHAR"}, {"publication", "VARCHAR"}, {"modality", "VARCHAR"}}, 1,
		func(i int, row []driver.Value) {
			row[0], row[1], row[2], row[3] = dataset, dataset, nil, "EPHYS"
		}); err != nil {
		return err
	}
	if err := writeRows(ctx, tx.TablePath("DataItem"), []sqlCol{{"id", "VARCHAR"}, {"name", "VARCHAR"}, {"neuroglancer_link", "VARCHAR"}, {"dataset", "VARCHAR"}},
		len(good), func(i int, row []driver.Value) {
			row[0], row[1], row[2], row[3] = good[i].item, good[i].item, nil, dataset
		}); err != nil {
		return err
	}
	sessCols := []sqlCol{{"id", "VARCHAR"}, {"data_item", "VARCHAR"}, {"nwb_file", "VARCHAR"}, {"nwb_version", "VARCHAR"},
		{"session_start_time", "TIMESTAMPTZ"}, {"session_description", "VARCHAR"}, {"subject_id", "VARCHAR"}}
	if err := writeRows(ctx, tx.TablePath("RecordingSession"), sessCols, len(good), func(i int, row []driver.Value) {
		ex := good[i]
		in := ex.info
		row[0], row[1], row[2], row[3] = ex.item, ex.item, ex.path, nullS(in.NWBVersion)
		row[4], row[5], row[6] = startTime(in.SessionStartTime), nullS(in.SessionDescription), nil
		if in.Subject != nil {
			row[6] = nullS(in.Subject["subject_id"])
		}
	}); err != nil {
		return err
	}
	// RecordingSite: flatten
	type ref struct{ f, i int }
	var sites []ref
	for fi, ex := range good {
		for i := range ex.sites.id {
			sites = append(sites, ref{fi, i})
		}
	}
	siteCols := []sqlCol{{"id", "VARCHAR"}, {"data_item", "VARCHAR"}, {"electrode_id", "BIGINT"}, {"x", "DOUBLE"}, {"y", "DOUBLE"}, {"z", "DOUBLE"}, {"location", "VARCHAR"},
		{"brain_region", "BIGINT"}, {"probe", "VARCHAR"}, {"channel", "BIGINT"}, {"probe_horizontal_position", "DOUBLE"},
		{"probe_vertical_position", "DOUBLE"}, {"imp", "DOUBLE"}, {"filtering", "VARCHAR"}, {"valid_data", "BOOLEAN"},
		{"region_source", "VARCHAR"}, {"ccf_region", "BIGINT"}, {"location_region", "BIGINT"}, {"nwb_file", "VARCHAR"}, {"hdf5_path", "VARCHAR"}}
	if sp != nil {
		siteCols = append(siteCols, sqlCol{"coordinate_space", "VARCHAR"}, sqlCol{"space_transform", "VARCHAR"},
			sqlCol{"ccf_ap_um", "DOUBLE"}, sqlCol{"ccf_dv_um", "DOUBLE"}, sqlCol{"ccf_ml_um", "DOUBLE"})
	}
	if err := writeRows(ctx, tx.TablePath("RecordingSite"), siteCols, len(sites), func(k int, row []driver.Value) {
		ex := good[sites[k].f]
		s, i := &ex.sites, sites[k].i
		row[0], row[1], row[2] = scopedID(ex.item, s.id[i]), ex.item, s.id[i]
		row[3], row[4], row[5] = nullF(s.x[i]), nullF(s.y[i]), nullF(s.z[i])
		row[6], row[7], row[8], row[9] = nullS(s.location[i]), s.region[i], nullS(s.probe[i]), s.channel[i]
		row[10], row[11], row[12], row[13], row[14] = nullF(s.hpos[i]), nullF(s.vpos[i]), nullF(s.imp[i]), nullS(s.filt[i]), s.valid[i]
		row[15], row[16], row[17], row[18], row[19] = nullS(s.source[i]), s.ccf[i], s.locRegion[i], ex.path, ElectrodesPath
		if sp != nil {
			row[20], row[21], row[22], row[23], row[24] = sp.Space, sp.Transform, nullF(s.cx[i]), nullF(s.cy[i]), nullF(s.cz[i])
			if !finite(s.x[i], s.y[i], s.z[i]) {
				row[21] = nil
			}
		}
	}); err != nil {
		return err
	}
	var units []ref
	for fi, ex := range good {
		for i := range ex.units.id {
			units = append(units, ref{fi, i})
		}
	}
	unitCols := []sqlCol{{"id", "VARCHAR"}, {"data_item", "VARCHAR"}, {"unit_id", "BIGINT"}, {"peak_channel", "VARCHAR"}, {"cluster_id", "BIGINT"}, {"quality", "VARCHAR"}}
	for _, m := range unitMetrics {
		unitCols = append(unitCols, sqlCol{m, "DOUBLE"})
	}
	unitCols = append(unitCols, sqlCol{"brain_region", "BIGINT"}, sqlCol{"nwb_file", "VARCHAR"}, sqlCol{"units_row", "BIGINT"}, sqlCol{"spike_times_path", "VARCHAR"})
	if err := writeRows(ctx, tx.TablePath("SortedUnit"), unitCols, len(units), func(k int, row []driver.Value) {
		ex := good[units[k].f]
		u, i := &ex.units, units[k].i
		var peak any
		if p, ok := u.peak[i].(int64); ok {
			peak = scopedID(ex.item, p)
		}
		row[0], row[1], row[2], row[3] = scopedID(ex.item, u.id[i]), ex.item, u.id[i], peak
		row[4], row[5] = u.cluster[i], nullS(u.quality[i])
		for j, m := range unitMetrics {
			row[6+j] = u.metrics[m][i]
		}
		b := 6 + len(unitMetrics)
		row[b], row[b+1], row[b+2], row[b+3] = u.region[i], ex.path, u.row[i], nullS(u.spikeTimes)
	}); err != nil {
		return err
	}
	var arrays []ref
	for fi, ex := range good {
		for i := range ex.arrays {
			arrays = append(arrays, ref{fi, i})
		}
	}
	arrCols := []sqlCol{{"id", "VARCHAR"}, {"data_item", "VARCHAR"}, {"path", "VARCHAR"}, {"hdf5_path", "VARCHAR"}, {"neurodata_type", "VARCHAR"},
		{"dtype", "VARCHAR"}, {"shape", "BIGINT[]"}, {"chunks", "BIGINT[]"}}
	return writeRows(ctx, tx.TablePath("NWBArray"), arrCols, len(arrays), func(k int, row []driver.Value) {
		ex := good[arrays[k].f]
		a := ex.arrays[arrays[k].i]
		row[0], row[1], row[2], row[3] = ex.item+":"+a.path, ex.item, ex.path, a.path
		row[4], row[5], row[6], row[7] = nullS(a.typ), a.dtype, toInt64s(a.shape), toInt64s(a.chunks)
	})
}

func toInt64s(v []int) any {
	if v == nil {
		return nil
	}
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

// VolumeLocator returns an IngestOptions.Locate function that maps CCF
// points (um) to regions through an annotation volume.
func VolumeLocator(o *atlas.Ontology, v *atlas.Volume) func(x, y, z float64) (int64, bool) {
	return func(x, y, z float64) (int64, bool) {
		label, inside := v.LabelAt(x, y, z)
		if !inside || label == 0 {
			return 0, false
		}
		r, ok := o.ByLabel(int64(label))
		if !ok {
			return 0, false
		}
		return r.ID, true
	}
}
