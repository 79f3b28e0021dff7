package crossmodal

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/zarr"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// errNotColumnar: the store's tables are not in the shape the columnar
// path reads (an odd column type, a duplicate region); the SQL statement
// answers instead.
var errNotColumnar = errors.New("crossmodal: inputs not in columnar shape")

// AnswerSiteProjections answers a prepared question. It computes in Go,
// column by column, what the SQL statement (q.SQL) computes: the source
// experiments (the statement's src part, in DuckDB: a few thousand rows),
// the statistic of their rows of the matrix read from its Zarr array (the
// values its long form holds) reduced once into one value per matrix
// column, each atlas region's nearest matrix column at or above it (from
// the atlas's closure table), then a gather over the recording sites read
// from their Parquet columns and sorted as the statement sorts. When the
// tables are not in the shape it reads it runs the statement instead
// (SiteProjections); the answers are the same (tests compare both).
func AnswerSiteProjections(ctx context.Context, sn *store.Snapshot, db *sql.DB, q *SiteProjectionsQuery) (*SiteAnswers, error) {
	out, err := siteProjectionsColumnar(ctx, sn, db, q, nil, nil)
	if errors.Is(err, errNotColumnar) {
		rows, err := SiteProjections(ctx, db, q)
		if err != nil {
			return nil, err
		}
		return SiteAnswersOf(rows), nil
	}
	return out, err
}

// Timings are the phases of the columnar answer (benchmarks print them).
type Timings struct {
	Prepare time.Duration // PrepareSiteProjections (AskSiteProjectionsTimed only)
	Source  time.Duration // the source experiments (PrepareSiteProjections found them: ~0)
	Matrix  time.Duration // the matrix's Zarr chunks read and reduced per column
	Nearest time.Duration // the nearest matrix column per region (closure and regions from Parquet)
	Sites   time.Duration // the RecordingSite columns read from Parquet (during Prepare, for Ask)
	Reads   time.Duration // matrix, nearest and sites, which run at once (wall time)
	Gather  time.Duration // sort and gather over the sites
}

// AnswerGCPercent is the garbage collector's setting (as GOGC) that 'ccc
// ask site-projections' runs with unless GOGC is set: an answer over 10^5
// sites allocates about 40 MB of short-lived columns over a live heap of
// about 20 MB, and at the default 100 the collector ran three times per
// answer (8% of its CPU time, measured); at 400 the heap peaks near 100 MB.
const AnswerGCPercent = 400

// AnswerGC sets the collector to AnswerGCPercent unless GOGC is set, and
// returns what restores the previous setting (defer AnswerGC()()): the
// command, its Go benchmark and the benchmark kernel run it alike.
func AnswerGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(AnswerGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// AskSiteProjections checks and answers a question: PrepareSiteProjections
// and AnswerSiteProjections, with the recording sites read from Parquet
// while DuckDB checks the names.
func AskSiteProjections(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, o SiteProjectionsOptions) (*SiteProjectionsQuery, *SiteAnswers, error) {
	q, out, _, err := ask(ctx, st, sn, db, o, true)
	return q, out, err
}

// AskSiteProjectionsTimed is AskSiteProjections' columnar path with the
// time of each phase (Prepare included; Sites overlaps it); it never falls
// back to the statement.
func AskSiteProjectionsTimed(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, o SiteProjectionsOptions) (*SiteProjectionsQuery, *SiteAnswers, Timings, error) {
	return ask(ctx, st, sn, db, o, false)
}

// pendingSites is a read of every recording site under way.
type pendingSites struct {
	done  chan struct{}
	s     *siteRows
	err   error
	spent time.Duration
}

func ask(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, o SiteProjectionsOptions, fallback bool) (*SiteProjectionsQuery, *SiteAnswers, Timings, error) {
	var tm Timings
	p := &pendingSites{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		t := time.Now()
		p.s, p.err = readSites(ctx, sn, "")
		p.spent = time.Since(t)
	}()
	t0 := time.Now()
	q, err := PrepareSiteProjections(ctx, st, sn, db, o)
	tm.Prepare = time.Since(t0)
	if err != nil {
		<-p.done // no read left behind
		return nil, nil, tm, err
	}
	out, err := siteProjectionsColumnar(ctx, sn, db, q, &tm, p)
	if fallback && errors.Is(err, errNotColumnar) {
		rows, err := SiteProjections(ctx, db, q)
		if err != nil {
			return nil, nil, tm, err
		}
		return q, SiteAnswersOf(rows), tm, nil
	}
	if err != nil {
		return nil, nil, tm, err
	}
	return q, out, tm, nil
}

// srcCTE is the statement's first part: the WITH clause of the source
// experiments (src), for a SELECT to follow.
func srcCTE(stmt string) string {
	return strings.TrimSuffix(stmt[:strings.Index(stmt, "\nstrength AS")], ",")
}

// siteProjectionsColumnar answers q in columns; pre, if not nil, is the
// read of every site started before (filtered here to q.Session).
func siteProjectionsColumnar(ctx context.Context, sn *store.Snapshot, db *sql.DB, q *SiteProjectionsQuery, tm *Timings, pre *pendingSites) (*SiteAnswers, error) {
	if tm == nil {
		tm = &Timings{}
	}
	t0 := time.Now()
	lap := func(d *time.Duration) {
		t := time.Now()
		*d, t0 = t.Sub(t0), t
	}
	src := q.srcItems
	if src == nil { // a query not from PrepareSiteProjections
		var err error
		if src, _, err = sourceItems(ctx, db, q.SQL, q.MatrixDataset, q.Matrix); err != nil {
			return nil, err
		}
	}
	lap(&tm.Source)
	a := q.matrix
	if a == nil {
		art, err := sn.Artifact(q.MatrixDataset, projection.MatrixArtifact(q.Matrix))
		if err != nil {
			return nil, err
		}
		if a, err = zarr.Open(filepath.Join(art.Dir, "values.zarr")); err != nil {
			return nil, err
		}
	}
	items, cols, err := matrixIndex(a)
	if err != nil {
		return nil, err
	}
	sel := make([]bool, len(items))
	nSel := 0
	for i, it := range items {
		if _, ok := src[it]; ok {
			sel[i] = true
			nSel++
		}
	}
	if nSel == 0 {
		return nil, errNotColumnar // PrepareSiteProjections refuses this; keep the statement's answer
	}
	// the three reads are independent: run them at once (the machine's
	// cores share them; each phase's time is its own, they overlap)
	var strength []float64
	var reg *regionTable
	var s *siteRows
	var errs [3]error
	var wg sync.WaitGroup
	timed := func(d *time.Duration, f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			f()
			*d = time.Since(t)
		}()
	}
	timed(&tm.Matrix, func() { strength, errs[0] = reduceColumns(ctx, a, sel, q.Stat) })
	timed(&tm.Nearest, func() { reg, errs[1] = nearestColumns(ctx, sn, q.Atlas, cols, q.closure) })
	if pre != nil {
		<-pre.done
		s, errs[2], tm.Sites = pre.s, pre.err, pre.spent
		if errs[2] == nil && q.Session != "" {
			s = s.only(q.Session)
		}
	} else {
		timed(&tm.Sites, func() { s, errs[2] = readSites(ctx, sn, q.Session) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	lap(&tm.Reads)
	defer lap(&tm.Gather)
	return gatherSites(s, reg, cols, strength, nSel), nil
}

// gatherSites is the answer: the sites in the statement's order, each
// with its region's acronym and nearest matrix column.
func gatherSites(s *siteRows, reg *regionTable, cols []int64, strength []float64, nSel int) *SiteAnswers {
	n := s.n
	out := &SiteAnswers{n: n, sessions: s.sessions.values, session: s.session, siteBytes: s.siteBytes, siteOff: s.siteOff,
		electrode: s.electrode, electrodeOK: s.electrodeOK, region: s.region, regionOK: s.regionOK,
		acronyms: reg.acronyms, acronym: make([]int32, n), match: make([]int32, n), levelsUp: make([]int32, n),
		regionIDs: reg.id, regionPos: make([]int32, n),
		mRegion: cols, mAcronym: make([]int32, len(cols)), mStrength: strength, mExperiments: make([]int64, len(cols))}
	for c, id := range cols {
		out.mAcronym[c], out.mExperiments[c] = -1, int64(nSel)
		if j := reg.lookup(id); j >= 0 {
			out.mAcronym[c] = reg.acronym[j]
		}
	}
	if p := s.order(); p != nil {
		out.gather(p)
	}
	for i, r := range out.region {
		out.acronym[i], out.match[i], out.regionPos[i] = -1, -1, -1
		if out.regionOK != nil && !out.regionOK[i] {
			continue
		}
		j := reg.lookup(r)
		if j < 0 {
			continue
		}
		out.regionPos[i], out.acronym[i] = j, reg.acronym[j]
		if c := reg.column[j]; c >= 0 {
			out.match[i], out.levelsUp[i] = c, reg.up[j]
		}
	}
	return out
}

// gather puts the site columns (session, site, electrode, region) in the
// order p.
func (a *SiteAnswers) gather(p []int32) {
	session, off := make([]int32, len(p)), make([]int32, len(p)+1)
	site := make([]byte, 0, len(a.siteBytes))
	electrode, region := make([]int64, len(p)), make([]int64, len(p))
	var electrodeOK, regionOK []bool
	if a.electrodeOK != nil {
		electrodeOK = make([]bool, len(p))
	}
	if a.regionOK != nil {
		regionOK = make([]bool, len(p))
	}
	for k, i := range p {
		session[k], electrode[k], region[k] = a.session[i], a.electrode[i], a.region[i]
		site = append(site, a.siteBytes[a.siteOff[i]:a.siteOff[i+1]]...)
		off[k+1] = int32(len(site))
		if electrodeOK != nil {
			electrodeOK[k] = a.electrodeOK[i]
		}
		if regionOK != nil {
			regionOK[k] = a.regionOK[i]
		}
	}
	a.session, a.siteBytes, a.siteOff, a.electrode, a.electrodeOK, a.region, a.regionOK = session, site, off, electrode, electrodeOK, region, regionOK
}

// sourceItems runs the statement's src part: the data items
// ("allen:<id>") of the experiments injected in the source or below, and
// how many of them are rows of the matrix.
func sourceItems(ctx context.Context, db *sql.DB, stmt, matrixDataset, matrix string) (map[string]struct{}, int, error) {
	rows, err := db.QueryContext(ctx, srcCTE(stmt)+fmt.Sprintf(`
SELECT data_item, list_contains((SELECT data_item_index FROM ProjectionMeasurementMatrix WHERE dataset = %s AND id = %s), data_item) FROM src`,
		store.QuoteString(matrixDataset), store.QuoteString(matrix)))
	if err != nil {
		return nil, 0, fmt.Errorf("ask site-projections: %w", err)
	}
	defer rows.Close()
	src := map[string]struct{}{}
	n := 0
	for rows.Next() {
		var s sql.NullString
		var in sql.NullBool
		if err := rows.Scan(&s, &in); err != nil {
			return nil, 0, err
		}
		if s.Valid {
			src[s.String] = struct{}{}
		}
		if in.Valid && in.Bool {
			n++
		}
	}
	return src, n, rows.Err()
}

// matrixIndex checks a matrix's Zarr array (float64, data items x
// regions) and returns its row and column indexes.
func matrixIndex(a *zarr.Array) ([]string, []int64, error) {
	m := &a.Meta
	if m.DataType != zarr.Float64 || len(m.Shape) != 2 || len(m.Chunks) != 2 {
		return nil, nil, errNotColumnar
	}
	items, err := dataItems(a)
	if err != nil {
		return nil, nil, err
	}
	var cols []int64
	seen := make(map[int64]bool, m.Shape[1])
	for _, v := range asList(m.Attributes["region_index"]) {
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) || seen[int64(f)] {
			return nil, nil, errNotColumnar // a duplicate column: the statement groups them
		}
		seen[int64(f)] = true
		cols = append(cols, int64(f))
	}
	if len(cols) != m.Shape[1] {
		return nil, nil, errNotColumnar
	}
	return items, cols, nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// reduceColumns reads the chunks of a that hold selected rows (one worker
// per column block) and returns, per column, the statistic of its selected
// rows with the statement's semantics: mean as a compensated sum over the
// count, median interpolated (DuckDB's quantile_cont), NaN sorting above
// every number (max and median).
func reduceColumns(ctx context.Context, a *zarr.Array, sel []bool, stat string) ([]float64, error) {
	m := &a.Meta
	nCols, cr, cc := m.Shape[1], m.Chunks[0], m.Chunks[1]
	blocks := (nCols + cc - 1) / cc
	out := make([]float64, nCols)
	errs := make([]error, blocks)
	jobs := make(chan int, blocks)
	for j := range blocks {
		jobs <- j
	}
	close(jobs)
	var wg sync.WaitGroup
	for range min(blocks, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := zarr.ChunkBuffers{Map: true} // a store artifact: immutable
			for j := range jobs {
				errs[j] = reduceBlock(ctx, a, sel, stat, j, out[j*cc:min(nCols, (j+1)*cc)], cr, cc, &buf)
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// reduceBlock reduces the columns of column block j into out.
func reduceBlock(ctx context.Context, a *zarr.Array, sel []bool, stat string, j int, out []float64, cr, cc int, buf *zarr.ChunkBuffers) error {
	w := len(out)
	var sum, comp []float64
	var vals [][]float64
	n := 0
	switch stat {
	case "mean":
		sum, comp = make([]float64, w), make([]float64, w)
	case "max":
		for c := range out {
			out[c] = math.Inf(-1)
		}
	case "median":
		vals = make([][]float64, w)
	default:
		return fmt.Errorf("ask site-projections: unknown statistic %q", stat)
	}
	fill := a.Meta.FillValue
	row := make([]float64, w)
	for i := 0; i*cr < len(sel); i++ {
		lo, hi := i*cr, min(len(sel), (i+1)*cr)
		if !slices.Contains(sel[lo:hi], true) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, ok, err := a.ReadChunkBuf([]int{i, j}, buf)
		if err != nil {
			return err
		}
		for r := lo; r < hi; r++ {
			if !sel[r] {
				continue
			}
			n++
			if ok {
				b := raw[(r-lo)*cc*8:]
				for c := range row {
					row[c] = math.Float64frombits(binary.LittleEndian.Uint64(b[c*8:]))
				}
			} else {
				for c := range row {
					row[c] = fill
				}
			}
			switch stat {
			case "mean": // Neumaier's compensated sum
				for c, v := range row {
					t := sum[c] + v
					if math.Abs(sum[c]) >= math.Abs(v) {
						comp[c] += (sum[c] - t) + v
					} else {
						comp[c] += (v - t) + sum[c]
					}
					sum[c] = t
				}
			case "max":
				for c, v := range row {
					if math.IsNaN(v) || v > out[c] { // NaN stays: nothing is above it
						out[c] = v
					}
				}
			case "median":
				for c, v := range row {
					vals[c] = append(vals[c], v)
				}
			}
		}
	}
	switch stat {
	case "mean":
		for c := range out {
			s := sum[c]
			if !math.IsInf(s, 0) && !math.IsNaN(s) {
				s += comp[c]
			}
			out[c] = s / float64(n)
		}
	case "median":
		for c, v := range vals {
			out[c] = medianNaNLast(v)
		}
	}
	return nil
}

// medianNaNLast is DuckDB's median of doubles: NaN sorts above every
// number, and an even count interpolates lo*(1-d) + hi*d, d = 1/2.
func medianNaNLast(v []float64) float64 {
	k := 0
	for _, x := range v {
		if !math.IsNaN(x) {
			v[k] = x
			k++
		}
	}
	nums := v[:k]
	slices.Sort(nums)
	at := func(i int) float64 {
		if i < k {
			return nums[i]
		}
		return math.NaN()
	}
	n := len(v)
	pos := float64(n-1) * 0.5
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	if lo == hi {
		return at(lo)
	}
	d := pos - float64(lo)
	return at(lo)*(1-d) + at(hi)*d
}

// intColumn is an integer column and its validity (nil: no NULL).
type intColumn struct {
	v     []int64
	valid []bool
}

func (c intColumn) ok(i int) bool { return c.valid == nil || c.valid[i] }

// readInts reads integer columns of a table (checked against the
// manifest first).
func readInts(t store.TableInfo, names ...string) ([]intColumn, error) {
	f, err := openTable(t)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := make([]intColumn, len(names))
	for i, n := range names {
		if out[i].v, out[i].valid, err = f.Int64s(n); err != nil {
			return nil, tableErr(t.Path, err)
		}
	}
	return out, nil
}

// regionTable is the atlas's regions with each one's nearest matrix column
// at or above it.
type regionTable struct {
	ids      idTable  // structure id -> position (one entry per region)
	id       []int64  // position -> structure id
	acronym  []int32  // index into acronyms (-1: no acronym)
	acronyms []string // distinct acronyms
	column   []int32  // matrix column (-1: none at or above)
	up       []int32  // levels up to it
}

// lookup is the position of region id, -1 if the atlas has none.
func (t *regionTable) lookup(id int64) int32 { return t.ids.get(id) }

// nearestColumns reads the atlas's closure and regions (their Parquet
// columns) and finds, once per region, the nearest matrix column at or
// above it: the statement's nearest part. closure, if not nil, is the
// closure's columns already read (ancestor, descendant, distance).
func nearestColumns(ctx context.Context, sn *store.Snapshot, atlasName string, cols []int64, closure []intColumn) (*regionTable, error) {
	colOf := make(map[int64]int32, len(cols))
	for i, c := range cols {
		colOf[c] = int32(i)
	}
	type near struct{ col, up int32 }
	best := map[int64]near{}
	if closure == nil {
		ct, err := sn.Table(atlasName, atlas.ClosureClass)
		if err != nil {
			return nil, err
		}
		if closure, err = readInts(ct, "ancestor_structure_id", "descendant_structure_id", "closure_distance"); err != nil {
			return nil, err
		}
	}
	anc, desc, dist := closure[0], closure[1], closure[2]
	for i := range anc.v {
		if !anc.ok(i) || !desc.ok(i) || !dist.ok(i) {
			continue // NULLs join nothing
		}
		col, ok := colOf[anc.v[i]]
		if !ok {
			continue
		}
		if b, seen := best[desc.v[i]]; !seen || int32(dist.v[i]) < b.up {
			best[desc.v[i]] = near{col, int32(dist.v[i])}
		}
	}
	rt, err := sn.Table(atlasName, atlas.RegionClass)
	if err != nil {
		return nil, err
	}
	f, err := openTable(rt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sid, sidOK, err := f.Int64s("structure_id")
	if err != nil {
		return nil, tableErr(rt.Path, err)
	}
	t := &regionTable{}
	var ids []int64
	var acronyms dictionary
	err = f.Bytes("acronym", func(i int, v []byte, valid bool) error {
		if sidOK != nil && !sidOK[i] {
			return nil
		}
		ids = append(ids, sid[i])
		k := int32(-1)
		if valid {
			k = acronyms.addNonEmpty(string(v))
		}
		t.acronym = append(t.acronym, k)
		n, ok := best[sid[i]]
		if !ok {
			n.col = -1
		}
		t.column, t.up = append(t.column, n.col), append(t.up, n.up)
		return nil
	})
	if err != nil {
		return nil, tableErr(rt.Path, err)
	}
	t.acronyms, t.id = acronyms.values, ids
	var unique bool
	if t.ids, unique = newIDTable(ids); !unique {
		return nil, errNotColumnar // a duplicate region: the statement's join repeats such sites
	}
	// a matched column is a region of the atlas (closure ancestor)
	for _, c := range t.column {
		if c >= 0 && t.lookup(cols[c]) < 0 {
			return nil, errNotColumnar
		}
	}
	return t, nil
}

// idTable maps distinct int64 ids to their positions: open addressing
// with linear probing, a few nanoseconds a lookup (a Go map costs several
// times more per site at 10^5 sites).
type idTable struct {
	keys  []int64
	pos   []int32 // -1: empty slot
	shift uint
}

// newIDTable indexes ids by position; ok is false when an id repeats.
func newIDTable(ids []int64) (t idTable, ok bool) {
	size := 16
	for size < 2*len(ids) {
		size *= 2
	}
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	t.keys, t.pos = make([]int64, size), make([]int32, size)
	for i := range t.pos {
		t.pos[i] = -1
	}
	for i, id := range ids {
		h := t.slot(id)
		for t.pos[h] >= 0 {
			if t.keys[h] == id {
				return t, false
			}
			h = (h + 1) & (len(t.pos) - 1)
		}
		t.keys[h], t.pos[h] = id, int32(i)
	}
	return t, true
}

func (t *idTable) slot(id int64) int { return int((uint64(id) * 0x9E3779B97F4A7C15) >> t.shift) }

// get is id's position, -1 if absent.
func (t *idTable) get(id int64) int32 {
	for h := t.slot(id); ; h = (h + 1) & (len(t.pos) - 1) {
		switch p := t.pos[h]; {
		case p < 0:
			return -1
		case t.keys[h] == id:
			return p
		}
	}
}
