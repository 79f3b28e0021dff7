package crossmodal

import (
	"context"
	"database/sql"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/store"
)

// TestSiteProjectionsSQL: the statement names the atlas, source, matrix,
// session and statistic it was built for, quoted.
func TestSiteProjectionsSQL(t *testing.T) {
	q := SiteProjectionsSQL("ccf'2017", 385, "allen_connectivity", "m1", "s'1", "median")
	for _, want := range []string{"c.dataset = 'ccf''2017'", "c.ancestor_structure_id = 385", `p."matrix" = 'm1'`,
		"WHERE s.data_item = 's''1'", `median(p."value") AS strength`} {
		if !strings.Contains(q, want) {
			t.Errorf("statement lacks %q:\n%s", want, q)
		}
	}
	if strings.Contains(SiteProjectionsSQL("a", 1, "d", "m", "", "mean"), "WHERE s.data_item") {
		t.Error("no session: no session filter")
	}
	c := CoverageSQL("a", []int64{385, 549}, CoverageSources[:2])
	for _, want := range []string{"[385, 549]", "FROM \"ConnectivityExperiment\"", "AS recording_sites"} {
		if !strings.Contains(c, want) {
			t.Errorf("coverage statement lacks %q:\n%s", want, c)
		}
	}
}

// TestSiteProjectionsColumnar: the columnar answer equals the SQL
// statement's on a synthetic store (200 experiments, 2,000 sites, the
// Allen 2017 ontology with 1,300 of its 1,327 regions as matrix columns,
// so some sites match a column above their region), for every statistic,
// with and without a session.
func TestSiteProjectionsColumnar(t *testing.T) {
	ctx := context.Background()
	pq := filepath.Join(t.TempDir(), "answer.parquet")
	st, sn, db := synthTestStore(t, 2000, pq)
	// the source lookup read from Parquet equals its SQL statement
	for _, src := range []string{"VISp", "385", "visp", "VISp1", "593", "nope", "", "997"} {
		n, id, acr, err := regionsNamed(sn, "ccf2017", src)
		var wn int
		var wid sql.NullInt64
		var wacr sql.NullString
		db.QueryRow(`SELECT count(*), any_value(structure_id), any_value(acronym) FROM BrainRegion
			WHERE dataset = 'ccf2017' AND (acronym = ? OR id = ? OR CAST(structure_id AS VARCHAR) = ?)`, src, src, src).Scan(&wn, &wid, &wacr)
		if err != nil || n != wn || id != wid || acr != wacr {
			t.Errorf("source %q: %d %v %v (%v); SQL %d %v %v", src, n, id, acr, err, wn, wid, wacr)
		}
	}
	for _, stat := range []string{"mean", "median", "max"} {
		for _, session := range []string{"", "bench-0001"} {
			q, err := PrepareSiteProjections(ctx, st, sn, db, SiteProjectionsOptions{Source: "VISp", Matrix: SynthMatrix, Stat: stat, Session: session})
			if err != nil {
				t.Fatal(err)
			}
			ans, err := siteProjectionsColumnar(ctx, sn, db, q, nil, nil)
			if err != nil {
				t.Fatalf("%s: %v", stat, err)
			}
			got := ans.Rows()
			// the same with the sites read while the names are checked
			q2, ans2, tm, err := AskSiteProjectionsTimed(ctx, st, sn, db, SiteProjectionsOptions{Source: "VISp", Matrix: SynthMatrix, Stat: stat, Session: session})
			if err != nil || q2.SQL != q.SQL || !slices.Equal(ans2.Rows(), got) || tm.Prepare <= 0 || tm.Sites <= 0 {
				t.Fatalf("%s: AskSiteProjectionsTimed differs (%v, timings %+v)", stat, err, tm)
			}
			want, err := SiteProjections(ctx, db, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2000 || len(want) != 2000 {
				t.Fatalf("%s: %d rows, SQL %d", stat, len(got), len(want))
			}
			up := 0
			for i := range want {
				g, w := got[i], want[i]
				if math.Abs(g.Strength-w.Strength) <= 1e-12*math.Abs(w.Strength) {
					g.Strength = w.Strength
				}
				if g != w {
					t.Fatalf("%s row %d: columnar %+v\nSQL %+v", stat, i, g, w)
				}
				if g.LevelsUp > 0 {
					up++
				}
			}
			// 20 experiments injected in VISp or below by construction, one more at random
			// the Parquet answer: the statement's column types and values
			writeAnswer(t, ans, pq)
			var typesFile, typesSQL string
			db.QueryRow("SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM read_parquet(" + store.QuoteString(pq) + "))").Scan(&typesFile)
			db.QueryRow("SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE " + q.SQL + ")").Scan(&typesSQL)
			if typesFile != typesSQL || typesFile == "" {
				t.Errorf("Parquet columns %q, statement %q", typesFile, typesSQL)
			}
			var differ int
			if err := db.QueryRow(`SELECT count(*) FROM read_parquet(` + store.QuoteString(pq) + `) a FULL JOIN (` + q.SQL + `) b USING (site)
				WHERE a.session IS DISTINCT FROM b.session OR a.electrode_id IS DISTINCT FROM b.electrode_id
				OR a.site_region IS DISTINCT FROM b.site_region OR a.site_acronym IS DISTINCT FROM b.site_acronym
				OR a.matched_region IS DISTINCT FROM b.matched_region OR a.matched_acronym IS DISTINCT FROM b.matched_acronym
				OR a.levels_up IS DISTINCT FROM b.levels_up OR a.experiments IS DISTINCT FROM b.experiments
				OR (a.strength IS NULL) <> (b.strength IS NULL) OR abs(a.strength - b.strength) > 1e-12 * abs(b.strength)`).Scan(&differ); err != nil || differ != 0 {
				t.Errorf("%s: %d rows of the Parquet answer differ from the statement's (%v)", stat, differ, err)
			}
			if up != 44 || want[0].Experiments != q.SourceRows || q.SourceRows != 21 {
				t.Errorf("%s: %d sites matched above their region, %d experiments (source rows %d); want 44 and 21", stat, up, want[0].Experiments, q.SourceRows)
			}
		}
	}
}

// TestMedianNaNLast: the median of doubles as DuckDB computes it (NaN
// above every number, even counts interpolated).
func TestMedianNaNLast(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nan := math.NaN()
	for _, v := range [][]float64{{1}, {3, 1}, {0.1, 0.7, 0.2}, {1, nan}, {nan, 2, 1}, {nan, nan, 5, 4}, {1e300, -1e300, 3, 0.3}, {0.1, 0.2}, {-7.25, 1.0 / 3}} {
		lits := make([]string, len(v))
		for i, x := range v {
			lits[i] = "('" + strconv.FormatFloat(x, 'g', -1, 64) + "'::DOUBLE)"
		}
		var want float64
		if err := db.QueryRow("SELECT median(x) FROM (VALUES " + strings.Join(lits, ", ") + ") t(x)").Scan(&want); err != nil {
			t.Fatal(err)
		}
		got := medianNaNLast(slices.Clone(v))
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("median %v = %v, DuckDB %v", v, got, want)
		}
	}
}

// TestReadColumnsChecksum: a table file whose bytes differ from the
// manifest's SHA-256 is refused before arrow-go parses it.
func TestReadColumnsChecksum(t *testing.T) {
	path := filepath.Join(t.TempDir(), "RecordingSite.parquet")
	if err := os.WriteFile(path, []byte("PAR1 damaged PAR1"), 0o444); err != nil {
		t.Fatal(err)
	}
	info := store.TableInfo{Class: "RecordingSite", Path: path, SHA256: strings.Repeat("a", 64)}
	s := &siteRows{siteOff: []int32{0}}
	_, err := readInts(info, "brain_region")
	for _, err := range []error{err, s.readTable(context.Background(), info)} {
		if err == nil || !strings.Contains(err.Error(), "SHA-256 differs") {
			t.Fatalf("err = %v; want a checksum refusal before any read", err)
		}
	}
}

// TestSiteProjectionOf: an answer row reads alike from both engines'
// values (DuckDB's int32/int64, Spark's int64); a row without a matched
// column is unmatched with zero fields.
func TestSiteProjectionOf(t *testing.T) {
	duck := SiteProjectionOf([]any{"s1", "e7", int32(7), int64(593), "VISp1", int64(385), "VISp", int32(1), 0.25, int64(3)})
	spark := SiteProjectionOf([]any{"s1", "e7", int64(7), int64(593), "VISp1", int64(385), "VISp", int64(1), 0.25, int64(3)})
	want := SiteProjection{Session: "s1", Site: "e7", ElectrodeID: 7, HasElectrode: true, SiteRegion: 593, HasRegion: true, SiteAcronym: "VISp1", Matched: true,
		MatchedRegion: 385, MatchedAcronym: "VISp", LevelsUp: 1, Strength: 0.25, Experiments: 3}
	if duck != want || spark != want {
		t.Errorf("duckdb %+v\nspark  %+v\nwant   %+v", duck, spark, want)
	}
	none := SiteProjectionOf([]any{"s1", "e8", int64(8), nil, nil, nil, nil, nil, nil, nil})
	if (none != SiteProjection{Session: "s1", Site: "e8", ElectrodeID: 8, HasElectrode: true}) {
		t.Errorf("unmatched: %+v", none)
	}
}

// TestSiteAnswersParquet: an answer with NULLs in every nullable column
// (no electrode, no region, a region without acronym, unmatched sites, a
// matched column without acronym), two sessions and an empty one, written
// as Parquet and read back by DuckDB, equals its rows; a column without
// NULLs reads alike.
func TestSiteAnswersParquet(t *testing.T) {
	rows := []SiteProjection{
		{Session: "s1", Site: "a", ElectrodeID: 3, HasElectrode: true, SiteRegion: 385, HasRegion: true, SiteAcronym: "VISp", Matched: true,
			MatchedRegion: 385, MatchedAcronym: "VISp", Strength: 0.5, Experiments: 4},
		{Session: "s1", Site: "b", SiteRegion: 593, HasRegion: true, SiteAcronym: "VISp1", Matched: true, MatchedRegion: 385,
			MatchedAcronym: "VISp", LevelsUp: 1, Strength: 0.5, Experiments: 4},
		{Session: "s2", Site: "ccc", ElectrodeID: 1, HasElectrode: true},
		{Session: "", Site: "", ElectrodeID: 2, HasElectrode: true, SiteRegion: 7, HasRegion: true, Matched: true, MatchedRegion: 8,
			Strength: math.Inf(1), Experiments: 1},
		{Session: "s2", Site: "dé", ElectrodeID: -5, HasElectrode: true, SiteRegion: 9, HasRegion: true, SiteAcronym: "X"},
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, rs := range [][]SiteProjection{rows, rows[:1], nil} {
		path := filepath.Join(t.TempDir(), "a.parquet")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := SiteAnswersOf(rs).WriteParquet(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		r, err := db.Query("SELECT * FROM read_parquet(" + store.QuoteString(path) + ")")
		if err != nil {
			t.Fatal(err)
		}
		got, err := scanSiteProjections(r)
		if err != nil || !slices.Equal(got, rs) {
			t.Errorf("read back:\n%+v\nwant\n%+v", got, rs)
		}
	}
}

// TestGatherSites: sites of two sessions out of order, one without
// electrode, one without region, one in a region the atlas lacks, come
// out in the statement's order (session, electrode_id NULLs last, site)
// with their acronym and matched column; only keeps one session's rows.
func TestGatherSites(t *testing.T) {
	s := &siteRows{siteOff: []int32{0}}
	add := func(session, site string, el int64, hasEl bool, reg int64, hasReg bool) {
		s.session = append(s.session, s.sessions.add(session))
		s.siteBytes = append(s.siteBytes, site...)
		s.siteOff = append(s.siteOff, int32(len(s.siteBytes)))
		var elOK, regOK []bool
		if !hasEl {
			elOK = []bool{false}
		}
		if !hasReg {
			regOK = []bool{false}
		}
		s.electrode, s.electrodeOK = appendValid(s.electrode, s.electrodeOK, []int64{el}, elOK)
		s.region, s.regionOK = appendValid(s.region, s.regionOK, []int64{reg}, regOK)
		s.n++
	}
	add("s2", "b", 1, true, 20, true)
	add("s1", "z", 0, false, 10, true)
	add("s1", "y", 5, true, 0, false)
	add("s1", "x", 5, true, 99, true)
	add("s2", "a", 1, true, 10, true)
	ids, _ := newIDTable([]int64{10, 20})
	reg := &regionTable{ids: ids, id: []int64{10, 20}, acronym: []int32{0, 1}, acronyms: []string{"TEN", "TWENTY"}, column: []int32{0, -1}, up: []int32{0, 0}}
	a := gatherSites(s, reg, []int64{10}, []float64{0.5}, 3)
	want := []SiteProjection{
		{Session: "s1", Site: "x", ElectrodeID: 5, HasElectrode: true, SiteRegion: 99, HasRegion: true},
		{Session: "s1", Site: "y", ElectrodeID: 5, HasElectrode: true},
		{Session: "s1", Site: "z", SiteRegion: 10, HasRegion: true, SiteAcronym: "TEN", Matched: true, MatchedRegion: 10, MatchedAcronym: "TEN", Strength: 0.5, Experiments: 3},
		{Session: "s2", Site: "a", ElectrodeID: 1, HasElectrode: true, SiteRegion: 10, HasRegion: true, SiteAcronym: "TEN", Matched: true, MatchedRegion: 10, MatchedAcronym: "TEN", Strength: 0.5, Experiments: 3},
		{Session: "s2", Site: "b", ElectrodeID: 1, HasElectrode: true, SiteRegion: 20, HasRegion: true, SiteAcronym: "TWENTY"},
	}
	if got := a.Rows(); !slices.Equal(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	// as Parquet: site_region a dictionary of the atlas's ids, 99 added
	if got, enc := writeReadBack(t, a); !slices.Equal(got, want) || !strings.Contains(enc["site_region"], "RLE_DICTIONARY") {
		t.Errorf("Parquet (site_region %s):\n%+v\nwant\n%+v", enc["site_region"], got, want)
	}
	o := s.only("s2")
	if o.n != 2 || string(o.siteBytes) != "ba" || o.electrode[0] != 1 || o.region[1] != 10 || o.sessions.values[0] != "s2" {
		t.Errorf("only s2: %+v", o)
	}
	if s.only("s9").n != 0 {
		t.Error("only an unknown session: rows")
	}
}

// TestSiteAnswersParquetDictionaries: the matched columns of a columnar
// answer (a value per matrix column, an index per row) are written as
// dictionaries of their distinct values; values arrow-go's memo table
// would merge (0 and -0), repeats, NaN and unmatched rows read back bit
// for bit.
func TestSiteAnswersParquetDictionaries(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for _, strength := range [][]float64{{0, negZero, 2, math.NaN(), 2, math.Inf(-1)}, {1, 1, 3, 1, 3, 3}} {
		var rows []SiteProjection
		match := make([]int32, 40)
		mRegion, mExperiments := []int64{5, 6, 5, 7, 6, 5}, []int64{3, 3, 3, 3, 3, 3}
		for i := range match {
			m := i%7 - 1
			match[i] = int32(m)
			p := SiteProjection{Session: "s", Site: strconv.Itoa(i), SiteRegion: int64(i % 3), HasRegion: true}
			if m >= 0 {
				p.Matched, p.MatchedRegion, p.LevelsUp, p.Strength, p.Experiments = true, mRegion[m], i*7%5, strength[m], 3
			}
			rows = append(rows, p)
		}
		a := SiteAnswersOf(rows)
		a.match, a.mRegion, a.mStrength, a.mExperiments, a.mAcronym = match, mRegion, strength, mExperiments, []int32{-1, -1, -1, -1, -1, -1}
		got, enc := writeReadBack(t, a)
		if len(got) != len(rows) {
			t.Fatalf("read back %d rows", len(got))
		}
		for _, c := range []string{"matched_region", "strength", "experiments", "levels_up"} {
			if !strings.Contains(enc[c], "RLE_DICTIONARY") {
				t.Errorf("%s's encodings %q: no dictionary", c, enc[c])
			}
		}
		for i := range rows {
			g, w := got[i], rows[i]
			if math.Float64bits(g.Strength) != math.Float64bits(w.Strength) {
				t.Errorf("row %d: strength %v (bits %x), want %v (bits %x)", i, g.Strength, math.Float64bits(g.Strength), w.Strength, math.Float64bits(w.Strength))
			}
			g.Strength, w.Strength = 0, 0
			if g != w {
				t.Errorf("row %d: %+v, want %+v", i, g, w)
			}
		}
	}
}

// writeAnswer writes a as Parquet to path.
func writeAnswer(t *testing.T, a *SiteAnswers, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WriteParquet(f); err != nil {
		t.Fatal(err)
	}
	f.Close() // arrow-go's writer closes its sink already
}

// writeReadBack writes a as Parquet and reads it back with DuckDB: its
// rows and each column's encodings.
func writeReadBack(t *testing.T, a *SiteAnswers) ([]SiteProjection, map[string]string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.parquet")
	writeAnswer(t, a, path)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	enc := map[string]string{}
	r, err := db.Query("SELECT path_in_schema, encodings FROM parquet_metadata(" + store.QuoteString(path) + ")")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var c, e string
		r.Scan(&c, &e)
		enc[c] += e
	}
	r.Close()
	r, err = db.Query("SELECT * FROM read_parquet(" + store.QuoteString(path) + ")")
	if err != nil {
		t.Fatal(err)
	}
	got, err := scanSiteProjections(r)
	if err != nil {
		t.Fatal(err)
	}
	return got, enc
}
