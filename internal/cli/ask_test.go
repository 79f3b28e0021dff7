package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// askStore runs the quickstart's atlas, projections and NWB steps (offline)
// and adds a second experiments x regions matrix, "coarse", whose columns
// (VIS, Isocortex, grey, TH) sit above the sites' regions, so that sites
// are matched to the nearest column up the hierarchy.
func askStore(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	if stdout, e, code := runProj(t, "quickstart", "--only", "atlas,projections,nwb", "--out", out, "--data", filepath.Join(out, "no-data")); code != 0 {
		t.Fatalf("quickstart: exit %d: %s\n%s", code, e, stdout)
	}
	dir := filepath.Join(out, "store")
	var b strings.Builder
	b.WriteString("cell_id,VIS,Isocortex,grey,TH\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "allen:9000000%02d,%g,%g,%g,%g\n", i, 0.1*float64(i)+1.0/3, float64(i%5), 0.5, float64(i*i)/7)
	}
	f := filepath.Join(out, "coarse.csv")
	if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, e, code := runProj(t, "--store", dir, "projections", "matrix", "ingest", "coarse", f, "--measurement", "other", "--modality", "other"); code != 0 {
		t.Fatalf("ingest coarse: %s", e)
	}
	return dir
}

// peerAnswer runs python/site_projections_peer.py (pandas, zarr) on the
// store's tables and returns its rows keyed by site id.
func peerAnswer(t *testing.T, py, dir, matrixDataset, matrix, source, session, stat string) map[string]map[string]any {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	path := func(class string) string {
		ts := sn.Tables(class)
		if len(ts) != 1 {
			t.Fatalf("%d %s tables", len(ts), class)
		}
		return ts[0].Path
	}
	art, err := sn.Artifact(matrixDataset, projection.MatrixArtifact(matrix))
	if err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal(map[string]any{"brain_region": path("BrainRegion"), "experiments": path("ConnectivityExperiment"), "sites": path("RecordingSite"),
		"zarr": filepath.Join(art.Dir, "values.zarr"), "source": source, "session": session, "stat": stat})
	af := filepath.Join(t.TempDir(), "args.json")
	os.WriteFile(af, args, 0o644)
	cmd := exec.Command(py, filepath.Join(testenv.RepoRoot(t), "python", "site_projections_peer.py"), af)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("peer: %v\n%s", err, stderr.String())
	}
	res := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(string(outb)))
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if id, ok := r["site"].(string); ok {
			res[id] = r
		}
	}
	return res
}

// TestAskSiteProjections: 'ccc ask site-projections' (its columnar answer)
// and its one SQL statement (printed, run through 'ccc query', and equal to
// the statement of docs/query.md) give the same answer as a pandas
// computation that builds the closure itself and reads the matrix from
// Zarr, for both matrices (exact columns and columns up the hierarchy) and
// two statistics.
func TestAskSiteProjections(t *testing.T) {
	py := testenv.Python(t, "pandas", "zarr", "pyarrow")
	dir := askStore(t)
	for _, tc := range []struct {
		matrixDataset, matrix, stat string
		wantMatched                 int
		wantUp                      map[string]int // site acronym -> levels up
	}{
		{"allen_connectivity", "quickstart-density", "mean", 32, map[string]int{"VISp1": 0, "VISp": 0, "TH": 0}},
		{"allen_connectivity", "coarse", "mean", 32, map[string]int{"VISp1": 2, "VISp": 1, "Isocortex": 0, "grey": 0, "TH": 0}},
		{"allen_connectivity", "coarse", "max", 32, map[string]int{"VISp1": 2}},
		{"allen_connectivity", "quickstart-density", "median", 32, map[string]int{"VISp": 0}},
	} {
		t.Run(tc.matrix+"/"+tc.stat, func(t *testing.T) {
			args := []string{"--store", dir, "ask", "site-projections", "--source", "VISp", "--session", "synthetic-0001", "--matrix", tc.matrix, "--stat", tc.stat}
			got, e, code := runProj(t, append(args, "--format", "csv")...)
			if code != 0 {
				t.Fatalf("ask: exit %d: %s", code, e)
			}
			if !strings.Contains(e, "32 recording sites, "+strconv.Itoa(tc.wantMatched)+" matched") || !strings.Contains(e, "source VISp: 6 experiments") {
				t.Errorf("summary %q", e)
			}
			// the one SQL statement gives the same table
			sqlText, e, code := runProj(t, append(args, "--print-sql")...)
			if code != 0 {
				t.Fatalf("print-sql: %s", e)
			}
			viaQuery, e, code := runProj(t, "--store", dir, "query", "--format", "csv", "--sql", sqlText)
			if code != 0 || !sameAnswer(viaQuery, got) {
				t.Fatalf("ccc query of the printed SQL: exit %d %s\n%s\nvs ask\n%s", code, e, viaQuery, got)
			}
			if tc.matrix == "quickstart-density" && tc.stat == "mean" { // the statement of docs/query.md is this one
				if doc := docSiteProjectionsSQL(t); strings.TrimSpace(sqlText) != doc {
					t.Errorf("docs/query.md's statement differs from --print-sql:\n%s\nvs\n%s", doc, sqlText)
				}
			}
			recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			peer := peerAnswer(t, py, dir, tc.matrixDataset, tc.matrix, "VISp", "synthetic-0001", tc.stat)
			if len(recs)-1 != len(peer) || len(peer) != 32 {
				t.Fatalf("ccc %d rows, pandas %d", len(recs)-1, len(peer))
			}
			col := map[string]int{}
			for i, c := range recs[0] {
				col[c] = i
			}
			for _, r := range recs[1:] {
				p := peer[r[col["site"]]]
				if p == nil {
					t.Fatalf("site %s not in the pandas answer", r[col["site"]])
				}
				want := fmt.Sprint(p["matched_region"])
				if r[col["matched_region"]] != want || r[col["levels_up"]] != fmt.Sprint(p["levels_up"]) {
					t.Errorf("site %s: matched %s up %s, pandas %s up %v", r[col["site"]], r[col["matched_region"]], r[col["levels_up"]], want, p["levels_up"])
				}
				if up, ok := tc.wantUp[r[col["site_acronym"]]]; ok && r[col["levels_up"]] != strconv.Itoa(up) {
					t.Errorf("site %s in %s: levels up %s, want %d", r[col["site"]], r[col["site_acronym"]], r[col["levels_up"]], up)
				}
				s, err := strconv.ParseFloat(r[col["strength"]], 64)
				ps, _ := p["strength"].(float64)
				if err != nil || math.Abs(s-ps) > 1e-12*math.Max(1, math.Abs(ps)) {
					t.Errorf("site %s: strength %s, pandas %v", r[col["site"]], r[col["strength"]], ps)
				}
				if r[col["experiments"]] != "6" || r[col["session"]] != "synthetic-0001" {
					t.Errorf("site %s: %v", r[col["site"]], r)
				}
			}
		})
	}
	// exact figure for one cell: coarse, mean of VIS over the 6 VISp/VISp1
	// experiments (rows 0, 1, 2, 5, 8, 9): mean(0.1*i + 1/3)
	got, _, _ := runProj(t, "--store", dir, "ask", "site-projections", "--source", "VISp", "--matrix", "coarse", "--format", "json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(got), &rows); err != nil {
		t.Fatal(err)
	}
	want := (0.1*(0+1+2+5+8+9))/6 + 1.0/3
	if rows[0]["matched_acronym"] != "VIS" || math.Abs(rows[0]["strength"].(float64)-want) > 1e-12 {
		t.Errorf("first row %v, want VIS %v", rows[0], want)
	}
	png, pq := filepath.Join(t.TempDir(), "sites.png"), filepath.Join(t.TempDir(), "a.parquet")
	for range 2 { // the second run overwrites the Parquet file (DuckDB's tmp_ file is not used)
		if _, e, code := runProj(t, "--store", dir, "ask", "site-projections", "--source", "VISp", "--matrix", "coarse", "--png", png, "-o", pq, "--format", "parquet"); code != 0 {
			t.Fatalf("png, parquet: %s", e)
		}
		if _, e, code := runProj(t, "--store", dir, "query", "--format", "parquet", "-o", pq, "--sql", "SELECT 1 AS a"); code != 0 {
			t.Fatalf("query to an existing Parquet file: %s", e)
		}
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() < 1000 {
		t.Errorf("png: %v", err)
	}
}

// TestAskSiteProjectionsErrors: every bad name is refused with what the
// store holds.
func TestAskSiteProjectionsErrors(t *testing.T) {
	dir := askStore(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--source", "VISp"}, "several experiments x regions matrices"},
		{[]string{"--matrix", "coarse"}, "no source region"},
		{[]string{"--source", "NOPE", "--matrix", "coarse"}, "NOPE"},
		{[]string{"--source", "VISp", "--matrix", "nope"}, "matrices in the store: allen_connectivity/coarse, allen_connectivity/quickstart-density"},
		{[]string{"--source", "VISp", "--matrix", "quickstart-mapseq"}, "matrices in the store"},
		{[]string{"--source", "CA1", "--matrix", "coarse"}, "none of the 12 experiments of matrix coarse was injected in CA1 or below"},
		{[]string{"--source", "VISp", "--matrix", "coarse", "--session", "nope"}, "sessions with sites: synthetic-0001"},
		{[]string{"--source", "VISp", "--matrix", "coarse", "--stat", "mode"}, "use mean, median or max"},
		{[]string{"--source", "VISp", "--matrix", "coarse", "--format", "parquet"}, "--format parquet needs --out"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, e, code := runProj(t, append([]string{"--store", dir, "ask", "site-projections"}, tc.args...)...)
			if code == 0 || !strings.Contains(e, tc.want) {
				t.Errorf("exit %d, stderr %q; want %q", code, e, tc.want)
			}
		})
	}
}

// TestQueryDocExamples runs every SQL statement of docs/query.md on the
// quickstart store: each runs and returns rows.
func TestQueryDocExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "docs", "query.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := askStore(t)
	var stmts []string
	for _, block := range strings.Split(string(doc), "```sql\n")[1:] {
		block = block[:strings.Index(block, "```")]
		for _, s := range strings.Split(block, ";\n") {
			if strings.TrimSpace(s) != "" {
				stmts = append(stmts, s)
			}
		}
	}
	if len(stmts) != 7 {
		t.Errorf("%d statements in docs/query.md, want 7", len(stmts))
	}
	for _, s := range stmts {
		if strings.Contains(s, "FROM CellTypeAnnotation") {
			continue // EM: on a store with synapses (TestAskEMTypes)
		}
		out, e, code := runProj(t, "--store", dir, "query", "--format", "csv", "--sql", s)
		if code != 0 || strings.Count(out, "\n") < 2 {
			t.Errorf("exit %d, %d lines: %s\n%s", code, strings.Count(out, "\n"), e, s)
		}
	}
}

// docSiteProjectionsSQL is the SQL statement of docs/query.md's section on
// recording sites x projection strength.
func docSiteProjectionsSQL(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "docs", "query.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(doc), "## Recording sites x projection strength")
	_, block, ok2 := strings.Cut(sec, "```sql\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/query.md: no SQL block in the recording sites section")
	}
	return strings.TrimSpace(block)
}

// sameAnswer compares two CSV answers: every field equal, except numbers
// that may differ in the last bits (a parallel sum's order).
func sameAnswer(a, b string) bool {
	ra, err1 := csv.NewReader(strings.NewReader(a)).ReadAll()
	rb, err2 := csv.NewReader(strings.NewReader(b)).ReadAll()
	if err1 != nil || err2 != nil || len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		if len(ra[i]) != len(rb[i]) {
			return false
		}
		for j := range ra[i] {
			if ra[i][j] == rb[i][j] {
				continue
			}
			x, e1 := strconv.ParseFloat(ra[i][j], 64)
			y, e2 := strconv.ParseFloat(rb[i][j], 64)
			if e1 != nil || e2 != nil || math.Abs(x-y) > 1e-14*math.Max(math.Abs(x), math.Abs(y)) {
				return false
			}
		}
	}
	return true
}

// TestAskCoverage: per region, the records of each modality in it or
// below equal a count made with the ontology's IsDescendant over the raw
// region columns; tables without a region are named, never zeros.
func TestAskCoverage(t *testing.T) {
	dir := askStore(t)
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := atlas.Open(st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw := map[string][]int64{}
	for col, q := range map[string]string{"experiments": "SELECT structure_id FROM ConnectivityExperiment",
		"recording_sites": "SELECT brain_region FROM RecordingSite", "units": "SELECT brain_region FROM SortedUnit"} {
		out, e, code := runProj(t, "--store", dir, "query", "--format", "csv", "--sql", q)
		if code != 0 {
			t.Fatal(e)
		}
		for _, v := range testenv.CSVColumn(t, out, strings.Fields(strings.TrimPrefix(q, "SELECT "))[0]) {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				raw[col] = append(raw[col], id)
			}
		}
	}
	if len(raw["experiments"]) != 12 || len(raw["recording_sites"]) != 32 || len(raw["units"]) != 12 {
		t.Fatalf("raw counts %d %d %d", len(raw["experiments"]), len(raw["recording_sites"]), len(raw["units"]))
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string // acronyms, in order
	}{
		{"listed", []string{"--regions", "VISp,VIS,Isocortex,grey,TH,CA1"}, []string{"grey", "Isocortex", "VIS", "VISp", "TH", "CA1"}},
		{"default", nil, []string{"grey", "Isocortex", "VISp", "VISp1", "TH", "VISpm", "MOp", "MOs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			png := filepath.Join(t.TempDir(), "coverage.png")
			out, e, code := runProj(t, append([]string{"--store", dir, "ask", "coverage", "--format", "csv", "--png", png}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, e)
			}
			if !strings.Contains(e, "counted: experiments, recording_sites, units (atlas ccf2017") || !strings.Contains(e, "not in the store: cells") {
				t.Errorf("stderr %q", e)
			}
			recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
			if strings.Join(recs[0], ",") != "region,acronym,depth,experiments,recording_sites,units" {
				t.Fatalf("header %v", recs[0])
			}
			var acr []string
			for _, r := range recs[1:] {
				acr = append(acr, r[1])
				region, _ := strconv.ParseInt(r[0], 10, 64)
				for k, col := range []string{"experiments", "recording_sites", "units"} {
					n := 0
					for _, id := range raw[col] {
						if a.Ontology.IsDescendant(id, region) {
							n++
						}
					}
					if r[3+k] != strconv.Itoa(n) {
						t.Errorf("%s %s: %s, IsDescendant count %d", r[1], col, r[3+k], n)
					}
				}
			}
			if strings.Join(acr, ",") != strings.Join(tc.want, ",") {
				t.Errorf("regions %v, want %v", acr, tc.want)
			}
			if fi, err := os.Stat(png); err != nil || fi.Size() < 1000 {
				t.Errorf("png: %v", err)
			}
		})
	}
	// an unknown region is refused, naming it
	if _, e, code := runProj(t, "--store", dir, "ask", "coverage", "--regions", "NOPE"); code == 0 || !strings.Contains(e, "NOPE") {
		t.Errorf("unknown region: exit %d %q", code, e)
	}
}
