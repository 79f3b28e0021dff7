package projection

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

func TestParseInjectionStructures(t *testing.T) {
	got, err := ParseInjectionStructures(`[{"id"=>104, "abbreviation"=>"AId", "name"=>"Agranular insular area, dorsal part", "color"=>"219866"}, {"id"=>345, "abbreviation"=>"SSp-m", "name"=>"Primary somatosensory area, mouth", "color"=>"188064"}]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []InjectionStructure{{104, "AId", "Agranular insular area, dorsal part", "219866"}, {345, "SSp-m", "Primary somatosensory area, mouth", "188064"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	if got, err := ParseInjectionStructures(`[]`); err != nil || len(got) != 0 {
		t.Fatalf("empty list: %v %v", got, err)
	}
	for _, bad := range []string{`[{"id"=>104`, `{"id"=>1}`, `[{"id"=>"x"}]`, `[{"name"=>"n"}]`, `[{"id"=>1}] junk`} {
		if _, err := ParseInjectionStructures(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestParseCoordinates(t *testing.T) {
	c, err := ParseCoordinates("[5520, 4470, 10080]")
	if err != nil || c != [3]float64{5520, 4470, 10080} {
		t.Fatalf("%v %v", c, err)
	}
	c, err = ParseCoordinates("")
	if err != nil || !math.IsNaN(c[0]) {
		t.Fatalf("empty: %v %v", c, err)
	}
	for _, bad := range []string{"[1, 2]", "1,2,3", "[a, 2, 3]", "[1, 2, NaN]"} {
		if _, err := ParseCoordinates(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestReadExperimentsErrors(t *testing.T) {
	csv := "id,transgenic-line,structure-id,structure-abbrev,injection-coordinates,injection-structures\n" +
		"1,\"\",385,VISp,\"[1, 2, 3]\",\"[]\"\n" +
		"2,\"\",385,VISp,\"[1, 2]\",\"[]\"\n" +
		"x,\"\",385,VISp,\"[1, 2, 3]\",\"[]\"\n" +
		"4,\"\",385,VISp,\"[1, 2, 3]\",\"[{\"\"id\"\"=>\"\n"
	_, err := ReadExperiments(strings.NewReader(csv), "t.csv")
	if !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"t.csv:3", "row 1", "injection-coordinates", "row 2: field id", "injection-structures"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	_, err = ReadExperiments(strings.NewReader("a,b\n1,2\n"), "t.csv")
	if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "required column") {
		t.Fatalf("missing column: %v", err)
	}
}

// independent computes facts about the real table with DuckDB SQL straight
// from the CSV and the ontology CSV, without this package's parser.
func independent(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestRealExperimentTable(t *testing.T) {
	path := testenv.SharedData(t, "allen-connectivity/allenAtlasProjection_info.csv")
	ontPath := testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv")
	exps, err := ReadExperimentsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(fmt.Sprintf(`CREATE VIEW e AS SELECT * FROM read_csv(%s, header=true, all_varchar=true)`, store.QuoteString(path))); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(`CREATE VIEW o AS SELECT * FROM read_csv(%s, header=true)`, store.QuoteString(ontPath))); err != nil {
		t.Fatal(err)
	}
	total := independent(t, db, `SELECT count(*) FROM e`)
	if int64(len(exps)) != total || total != 2917 {
		t.Fatalf("parsed %d experiments, DuckDB counts %d (want 2917)", len(exps), total)
	}
	wtSQL := independent(t, db, `SELECT count(*) FROM e WHERE coalesce("transgenic-line", '') IN ('', '""')`)
	wt := 0
	for i := range exps {
		if exps[i].WildType() {
			wt++
		}
	}
	if int64(wt) != wtSQL || wt == 0 {
		t.Fatalf("wild type: %d, SQL %d", wt, wtSQL)
	}
	t.Logf("%d experiments, %d wild type, %d Cre", total, wt, int(total)-wt)

	// Coordinates: sums of each axis as DuckDB parses the bracketed text.
	var sAP, sDV, sML float64
	var nCoord int64
	err = db.QueryRow(`SELECT sum(c[1]), sum(c[2]), sum(c[3]), count(*) FROM (
		SELECT list_transform(string_split(trim("injection-coordinates", '[] '), ','), x -> trim(x)::DOUBLE) AS c
		FROM e WHERE "injection-coordinates" IS NOT NULL AND "injection-coordinates" <> '')`).Scan(&sAP, &sDV, &sML, &nCoord)
	if err != nil {
		t.Fatal(err)
	}
	var gAP, gDV, gML float64
	var gN int64
	for i := range exps {
		if exps[i].HasCoordinate() {
			gAP += exps[i].InjectionAP
			gDV += exps[i].InjectionDV
			gML += exps[i].InjectionML
			gN++
		}
	}
	if gN != nCoord || gAP != sAP || gDV != sDV || gML != sML {
		t.Fatalf("coordinates: parsed n=%d sums %v %v %v, SQL n=%d %v %v %v", gN, gAP, gDV, gML, nCoord, sAP, sDV, sML)
	}
	if e := exps[0]; e.ID != 180436360 || e.InjectionAP != 5520 || e.InjectionDV != 4470 || e.InjectionML != 10080 || len(e.Structures) != 8 || e.Structures[6].Abbreviation != "VISC" {
		t.Fatalf("first experiment: %+v", e)
	}
	// Injection structures: total count of entries, counted as "=>" id keys.
	nStructSQL := independent(t, db, `SELECT sum(len(regexp_extract_all("injection-structures", '"id"=>'))) FROM e`)
	var nStruct int64
	for i := range exps {
		nStruct += int64(len(exps[i].Structures))
	}
	if nStruct != nStructSQL {
		t.Fatalf("injection structures: %d, SQL %d", nStruct, nStructSQL)
	}

	ont, err := atlas.LoadOntology(ontPath, atlas.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		region string
		id     int64
		desc   bool
		line   string
		wt     bool
	}{
		{"VISp", 385, true, "", false},
		{"VISp", 385, false, "", false},
		{"VISpm", 533, true, "", false},
		{"MOs", 993, true, "", false},
		{"Isocortex", 315, true, "", false},
		{"VISp", 385, true, "", true},
		{"VISp", 385, true, "Rbp4-Cre_KL100", false},
	} {
		t.Run(fmt.Sprintf("%s/desc=%v/line=%s/wt=%v", tc.region, tc.desc, tc.line, tc.wt), func(t *testing.T) {
			got, err := Find(exps, ont, FindOptions{Region: tc.region, IncludeDescendants: tc.desc, Line: tc.line, WildType: tc.wt})
			if err != nil {
				t.Fatal(err)
			}
			// Independent: the ontology's structure_id_path holds every ancestor.
			q := `SELECT count(*) FROM e JOIN o ON o.id = e."structure-id"::BIGINT WHERE `
			if tc.desc {
				q += `o.structure_id_path LIKE '%/' || ? || '/%'`
			} else {
				q += `o.id = ?`
			}
			if tc.wt {
				q += ` AND coalesce("transgenic-line", '') IN ('', '""')`
			}
			if tc.line != "" {
				q += ` AND "transgenic-line" = '` + tc.line + `'`
			}
			want := independent(t, db, q, tc.id)
			if int64(len(got)) != want || want == 0 {
				t.Fatalf("found %d, SQL %d", len(got), want)
			}
			t.Logf("%d experiments", want)
		})
	}
	// VISp with descendants must not capture VISpm (string prefix would).
	visp, _ := Find(exps, ont, FindOptions{Region: "VISp", IncludeDescendants: true})
	for _, e := range visp {
		if strings.HasPrefix(e.StructureAbbrev, "VISpm") || strings.HasPrefix(e.StructureAbbrev, "VISpl") || strings.HasPrefix(e.StructureAbbrev, "VISpor") {
			t.Fatalf("VISp captured %s", e.StructureAbbrev)
		}
	}
	prefix := independent(t, db, `SELECT count(*) FROM e WHERE "structure-abbrev" LIKE 'VISp%'`)
	if prefix <= int64(len(visp)) {
		t.Fatalf("test data should show the prefix defect: prefix %d, hierarchy %d", prefix, len(visp))
	}
	// counts per primary injection region, every region of the table
	rows, err := db.Query(`SELECT "structure-id", count(*) FROM e GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	nRegions := 0
	for rows.Next() {
		var sid string
		var n int
		rows.Scan(&sid, &n)
		got, err := Find(exps, ont, FindOptions{Region: sid})
		if err != nil || len(got) != n {
			t.Fatalf("region %s: found %d (%v), SQL %d", sid, len(got), err, n)
		}
		nRegions++
	}
	rows.Close()
	if nRegions < 100 {
		t.Fatalf("only %d injection regions", nRegions)
	}
	if _, err := Find(exps, ont, FindOptions{Region: "NOPE"}); !errors.Is(err, ccc.ErrNotFound) {
		t.Fatalf("unknown region: %v", err)
	}

	// Store round trip.
	st, err := store.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := IngestExperiments(ctx, st, exps, IngestOptions{Source: path}); err != nil {
		t.Fatal(err)
	}
	sdb, err := st.DB(ctx, store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	var nItems int
	var name string
	sdb.QueryRow(`SELECT count(*), max(name) FILTER (WHERE id = 'allen:180436360') FROM DataItem WHERE dataset = 'allen_connectivity'`).Scan(&nItems, &name)
	sdb.Close()
	if nItems != 2917 || name != "VISC, Wild-type" {
		t.Fatalf("data items: %d, %q", nItems, name)
	}
	back, err := LoadExperiments(ctx, st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(exps) {
		t.Fatalf("store gave %d experiments", len(back))
	}
	for i := range exps {
		a, b := exps[i], back[i]
		if !sameFloat(a.InjectionAP, b.InjectionAP) || !sameFloat(a.NumVoxels, b.NumVoxels) || !sameFloat(a.InjectionVolume, b.InjectionVolume) {
			t.Fatalf("row %d differs after the store:\n%+v\n%+v", i, a, b)
		}
		a.InjectionAP, a.InjectionDV, a.InjectionML, a.NumVoxels = 0, 0, 0, 0
		b.InjectionAP, b.InjectionDV, b.InjectionML, b.NumVoxels = 0, 0, 0, 0
		if len(a.Structures) != len(b.Structures) {
			t.Fatalf("row %d: %d injection structures after the store, want %d", i, len(b.Structures), len(a.Structures))
		}
		for k := range a.Structures { // the store keeps the ids (names come from the atlas)
			if a.Structures[k].ID != b.Structures[k].ID {
				t.Fatalf("row %d: injection structure %d differs", i, k)
			}
		}
		a.Structures, b.Structures = nil, nil
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("row %d differs after the store:\n%+v\n%+v", i, a, b)
		}
	}
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
