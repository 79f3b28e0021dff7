package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/cli"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/server"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

// qsStore is the offline quickstart store shared by the read-only tests
// (13 versions of 6 datasets; see internal/cli's quickstart test).
var qsStore string

// qsEnv passes qsStore from a fuzzing coordinator to its worker processes
// (they inherit its environment). A worker is stopped with SIGINT and then
// SIGKILL when fuzzing ends, possibly before its deferred clean-up runs, so
// a store each worker built for itself would be left in the temporary
// directory (100 MB per worker and target); the coordinator's store is
// removed when the coordinator returns.
const qsEnv = "CCC_SERVER_TEST_QUICKSTART_STORE"

func TestMain(m *testing.M) {
	if dir := os.Getenv(qsEnv); dir != "" && slices.Contains(os.Args[1:], "-test.fuzzworker") {
		qsStore = dir
		os.Exit(m.Run())
	}
	code := func() int {
		dir, err := os.MkdirTemp("", "ccc-server-test-*")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "qs")
		var stdout, stderr bytes.Buffer
		if c := cli.Run(context.Background(), []string{"quickstart", "--out", out, "--data", filepath.Join(dir, "no-data")},
			&cli.IO{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr, Getenv: func(string) string { return "" }}); c != 0 {
			fmt.Fprintf(os.Stderr, "quickstart failed (%d):\n%s\n%s", c, stdout.String(), stderr.String())
			return 1
		}
		qsStore = filepath.Join(out, "store")
		os.Setenv(qsEnv, qsStore)
		return m.Run()
	}()
	os.Exit(code)
}

// runCLI runs ccc with args on store dir and returns stdout.
func runCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if c := cli.Run(context.Background(), append([]string{"--store", dir, "--quiet"}, args...),
		&cli.IO{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr, Getenv: func(string) string { return "" }}); c != 0 {
		t.Fatalf("ccc %v: exit %d: %s", args, c, stderr.String())
	}
	return stdout.String()
}

// newServer serves dir (the shared quickstart store when "") with cfg.
func newServer(t *testing.T, dir string, cfg server.Config) *httptest.Server {
	t.Helper()
	if dir == "" {
		dir = qsStore
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store = st
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close(); st.Close() })
	return ts
}

// get fetches url and returns status and body.
func get(t *testing.T, url string, hdr ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// getRows fetches a JSON table and fails unless the status is 200.
func getRows(t *testing.T, url string) []map[string]any {
	t.Helper()
	code, b := get(t, url)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", url, code, b)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, b)
	}
	return rows
}

func col(rows []map[string]any, name string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprint(r[name])
	}
	return out
}

func TestStoreEndpoints(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	// the expected figures come from the store package (the quickstart
	// grows a step with every capability)
	st, err := store.Open(qsStore)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	latest, _ := st.Latest()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	if latest < 13 {
		t.Fatalf("quickstart store at version %d", latest)
	}
	code, b := get(t, ts.URL+"/healthz")
	if code != 200 || !strings.Contains(string(b), fmt.Sprintf(`"version": %d`, latest)) {
		t.Errorf("healthz: %d %s", code, b)
	}
	vs := getRows(t, ts.URL+"/api/v1/versions")
	if len(vs) != latest || vs[2]["dataset"] != "synth-minnie" || vs[2]["changed_tables"] != "Synapse" || vs[0]["message"] != "atlas load: 38 regions" {
		t.Errorf("versions: %d rows, %v", len(vs), vs[2])
	}
	if vs := getRows(t, ts.URL+"/api/v1/versions?dataset=ccf2017"); len(vs) != 2 {
		t.Errorf("ccf2017 versions: %d", len(vs))
	}
	ds := getRows(t, ts.URL+"/api/v1/datasets")
	if got := col(ds, "dataset"); !slices.Equal(got, sn.Datasets()) || !slices.Contains(got, "synth-minnie") {
		t.Errorf("datasets %v, want %v", got, sn.Datasets())
	}
	for _, d := range ds {
		if d["dataset"] == "synth-minnie" && (d["tables"] != "CellTypeAnnotation,ProofreadingStatus,Synapse" || d["artifacts"] != "synapse/index") {
			t.Errorf("synth-minnie: %v", d)
		}
	}
	// time travel: version 3 had two datasets
	if ds := getRows(t, ts.URL+"/api/v1/datasets?version=3"); len(ds) != 2 {
		t.Errorf("datasets at v3: %v", ds)
	}
	tables := getRows(t, ts.URL+"/api/v1/tables")
	if len(tables) != len(sn.AllTables()) || len(tables) < 19 {
		t.Errorf("tables: %d, want %d", len(tables), len(sn.AllTables()))
	}
	var rows, want int64
	for _, tb := range tables {
		rows += int64(tb["rows"].(float64))
	}
	for _, tb := range sn.AllTables() {
		want += tb.Rows
	}
	if rows != want || rows < 304039 {
		t.Errorf("rows in the latest version: %d, want %d", rows, want)
	}
	cols := getRows(t, ts.URL+"/api/v1/tables/BrainRegion/columns")
	if cols[0]["column"] != "dataset" || !slices.Contains(col(cols, "column"), "acronym") {
		t.Errorf("columns: %v", cols)
	}
}

func TestQueryTable(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	u := ts.URL + "/api/v1/tables/BrainRegion"
	all := getRows(t, u+"?select=id,acronym&order_by=id")
	if len(all) != 38 {
		t.Fatalf("BrainRegion: %d rows", len(all))
	}
	for _, c := range []struct {
		query string
		want  []string // acronyms
	}{
		{"eq.acronym=VISp", []string{"VISp"}},
		{"in.acronym=VISp,VIS,nonexistent&order_by=acronym", []string{"VIS", "VISp"}},
		{"eq.parent_identifier=385&order_by=-structure_id&limit=2", []string{"VISp2/3", "VISp5"}},
		{"eq.parent_identifier=385&order_by=structure_id&limit=2&offset=1", []string{"VISp6b", "VISp1"}},
		{"ge.structure_id=1000&le.structure_id=1100&order_by=structure_id", []string{"HIP", "HPF"}},
		{"gt.structure_id=1080&lt.structure_id=1100", []string{"HPF"}},
		{"ne.acronym=root&eq.depth=1", []string{"grey"}},
		{"eq.parent_identifier=385&out.acronym=VISp1,VISp4,VISp5,VISp6a,VISp6b", []string{"VISp2/3"}},
		{"eq.acronym=VISp'%20OR%20'1'='1", nil}, // SQL in a value is data
		{"in.acronym=x')%20OR%20('1'='1", nil},  // also in lists
		{"eq.name=Primary%20visual%20area", []string{"VISp"}},
		{"dataset=ccf2017&eq.acronym=VISp", []string{"VISp"}},
		{"dataset=nwb_demo&eq.acronym=VISp", nil},
	} {
		got := getRows(t, u+"?select=acronym&"+c.query)
		if !slices.Equal(col(got, "acronym"), append([]string{}, c.want...)) {
			t.Errorf("%s: got %v, want %v", c.query, col(got, "acronym"), c.want)
		}
	}
	// select keeps column order
	one := getRows(t, u+"?select=parent_identifier,id&eq.acronym=VISp")
	if len(one) != 1 || one[0]["id"] != "385" || one[0]["parent_identifier"] != "669" || len(one[0]) != 2 {
		t.Errorf("VISp: %v", one)
	}
	// keyset pagination gives the same rows as one ordered read
	var paged []string
	after := ""
	for page := 0; page < 20; page++ {
		q := u + "?select=id,acronym&order_by=id&limit=10"
		if after != "" {
			q += "&after=" + after
		}
		rows := getRows(t, q)
		if len(rows) == 0 {
			break
		}
		paged = append(paged, col(rows, "id")...)
		after = col(rows, "id")[len(rows)-1]
	}
	if !slices.Equal(paged, col(all, "id")) {
		t.Errorf("keyset pages %v\nwant %v", paged, col(all, "id"))
	}
	for _, c := range []struct {
		query string
		code  int
		msg   string
	}{
		{"eq.nope=1", 400, `no column \"nope\"`},
		{"select=id,nope", 400, "no column"},
		{"order_by=nope", 400, "no column"},
		{"bogus=1", 400, "unknown parameter"},
		{"xx.id=1", 400, "unknown parameter"},
		{"eq.structure_id=1%20OR%201=1", 400, "Could not convert"},
		{"after=5", 400, "needs order_by"},
		{"limit=-1", 400, "non-negative"},
		{"version=99", 404, ""},
		{"format=xml", 400, "format"},
		{"version=1&timestamp=2020-01-01", 400, "not both"},
	} {
		code, b := get(t, u+"?"+c.query)
		if code != c.code || !strings.Contains(string(b), c.msg) {
			t.Errorf("%s: %d %s, want %d %q", c.query, code, b, c.code, c.msg)
		}
	}
	if code, b := get(t, ts.URL+"/api/v1/tables/NoSuchClass"); code != 404 || !strings.Contains(string(b), "BrainRegion") {
		t.Errorf("unknown class: %d %s", code, b)
	}
	// version: the Synapse class did not exist at version 2
	if code, _ := get(t, ts.URL+"/api/v1/tables/Synapse?version=2&limit=1"); code != 404 {
		t.Errorf("Synapse at v2: %d", code)
	}
	if rows := getRows(t, ts.URL+"/api/v1/tables/Synapse?version=3&select=id&limit=5"); len(rows) != 5 {
		t.Errorf("Synapse at v3: %v", rows)
	}
}

// TestFormats reads one table in every format, by ?format= and by Accept.
func TestFormats(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	// structure_id: an integer column in every format (id is a string)
	u := ts.URL + "/api/v1/tables/BrainRegion?select=structure_id,acronym,depth&order_by=structure_id"
	want := getRows(t, u)
	ids := col(want, "structure_id")
	check := func(what string, got []string) {
		t.Helper()
		if !slices.Equal(got, ids) {
			t.Errorf("%s: ids %v, want %v", what, got, ids)
		}
	}
	for _, byAccept := range []bool{false, true} {
		fetch := func(format, mt string) (string, []byte) {
			t.Helper()
			req, _ := http.NewRequest("GET", u, nil)
			if byAccept {
				req.Header.Set("Accept", mt)
			} else {
				req.URL.RawQuery += "&format=" + format
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", format, resp.StatusCode, b)
			}
			return resp.Header.Get("Content-Type"), b
		}
		ct, b := fetch("csv", "text/csv")
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || !strings.HasPrefix(ct, "text/csv") || strings.Join(recs[0], ",") != "structure_id,acronym,depth" {
			t.Fatalf("csv: %v %s %v", err, ct, recs[:1])
		}
		var got []string
		for _, r := range recs[1:] {
			got = append(got, r[0])
		}
		check("csv", got)
		ct, b = fetch("arrow", "application/vnd.apache.arrow.stream")
		rd, err := ipc.NewReader(bytes.NewReader(b))
		if err != nil || ct != "application/vnd.apache.arrow.stream" {
			t.Fatalf("arrow: %v %s", err, ct)
		}
		got = nil
		for rd.Next() {
			c := rd.RecordBatch().Column(0).(*array.Int64)
			for i := 0; i < c.Len(); i++ {
				got = append(got, fmt.Sprint(c.Value(i)))
			}
		}
		check("arrow", got)
		_, b = fetch("parquet", "application/vnd.apache.parquet")
		pf, err := file.NewParquetReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("parquet: %v", err)
		}
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := fr.ReadTable(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, ch := range tbl.Column(0).Data().Chunks() {
			c := ch.(*array.Int64)
			for i := 0; i < c.Len(); i++ {
				got = append(got, fmt.Sprint(c.Value(i)))
			}
		}
		tbl.Release()
		check("parquet", got)
	}
	// 64-bit ids as strings for JavaScript clients
	if _, b := get(t, ts.URL+"/api/v1/tables/Synapse?select=pre_pt_root_id,size&limit=1", "Accept", "application/json; int64=string"); !regexp.MustCompile(`^\[\n\{"pre_pt_root_id":"86469113\d{10}","size":\d+\}\n\]\n$`).Match(b) {
		t.Errorf("int64=string: %s", b)
	}
	if code, _ := get(t, u, "Accept", "application/xml"); code != http.StatusNotAcceptable {
		t.Errorf("Accept xml: %d", code)
	}
	if code, _ := get(t, u, "Accept", "text/csv;q=0.5, application/vnd.apache.arrow.stream"); code != 200 {
		t.Errorf("Accept list: %d", code)
	}
}

func TestAtlasEndpoints(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	u := ts.URL + "/api/v1/atlas"
	if a := getRows(t, u); len(a) != 1 || a[0]["atlas"] != "ccf2017" || a[0]["regions"] != 38.0 {
		t.Errorf("atlases: %v", a)
	}
	anc := getRows(t, u+"/regions/VISp/ancestors")
	if got := strings.Join(col(anc, "acronym"), " > "); got != "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp" {
		t.Errorf("ancestors: %s", got)
	}
	if ch := getRows(t, u+"/regions/385/children"); strings.Join(col(ch, "acronym"), ",") != "VISp1,VISp2/3,VISp4,VISp5,VISp6a,VISp6b" {
		t.Errorf("children: %v", col(ch, "acronym"))
	}
	if d := getRows(t, u+"/regions/VIS/descendants"); len(d) != 11 || d[0]["acronym"] != "VIS" {
		t.Errorf("descendants: %v", col(d, "acronym"))
	}
	one := getRows(t, u+"/regions/VISp")
	if len(one) != 1 || one[0]["id"] != 385.0 || one[0]["parent_acronym"] != "VIS" || one[0]["depth"] != 7.0 || one[0]["structure_id_path"] != "/997/8/567/688/695/315/669/385/" {
		t.Errorf("VISp: %v", one)
	}
	s := getRows(t, u+"/search?q=visual&limit=3")
	if strings.Join(col(s, "acronym"), ",") != "VIS,VISp,VISp1" && len(s) != 3 {
		t.Errorf("search: %v", col(s, "acronym"))
	}
	// the same answers as the domain functions
	st, _ := store.Open(qsStore)
	defer st.Close()
	a, err := atlas.Open(st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	var wantSearch []string
	for _, m := range a.Ontology.Search("visual", 3) {
		wantSearch = append(wantSearch, m.Acronym)
	}
	if !slices.Equal(col(s, "acronym"), wantSearch) {
		t.Errorf("search %v, domain %v", col(s, "acronym"), wantSearch)
	}
	// points: VISp, VISp1, unlabelled, outside (100 um synthetic volume)
	loc := getRows(t, u+"/locate?x=3960,3960,660,20000&y=1600,1040,400,100&z=3420,3420,570,100")
	if got := strings.Join(col(loc, "acronym"), ",") + " " + strings.Join(col(loc, "status"), ","); got != "VISp,VISp1,<nil>,<nil> ok,ok,unlabelled,outside" {
		t.Errorf("locate: %s", got)
	}
	for _, c := range []struct {
		path string
		code int
	}{
		{"/regions/NOPE", 404}, {"/regions/VISp/siblings", 404}, {"/regions/VISp/ancestors?select=acronym", 400}, {"/search?q=x&bogus=1", 400}, {"/search", 400}, {"/locate?x=1&y=2", 400},
		{"/regions/VISp?atlas=..%2F..%2Fetc", 400}, {"/regions/VISp?atlas=other", 404},
	} {
		if code, b := get(t, u+c.path); code != c.code {
			t.Errorf("%s: %d %s, want %d", c.path, code, b, c.code)
		}
	}
}

func TestSynapseEndpoints(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	st, _ := store.Open(qsStore)
	defer st.Close()
	ds, err := synapse.OpenDataset(st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	// the neuron with the most outgoing synapses
	var root int64
	best := -1
	for i, r := range ds.Index.Roots {
		if d := ds.Index.OutDegree(uint32(i)); d > best {
			root, best = r, d
		}
	}
	u := ts.URL + "/api/v1/synapses"
	rows := getRows(t, fmt.Sprintf("%s/query?pre=%d&columns=id,pre_pt_root_id,post_pt_root_id,size", u, root))
	if len(rows) != best {
		t.Errorf("query pre=%d: %d rows, index out-degree %d", root, len(rows), best)
	}
	// the same rows as 'ccc synapses query'
	cliCSV := runCLI(t, qsStore, "synapses", "query", "--pre", fmt.Sprint(root), "--columns", "id,pre_pt_root_id,post_pt_root_id,size", "--format", "csv")
	code, apiCSV := get(t, fmt.Sprintf("%s/query?pre=%d&columns=id,pre_pt_root_id,post_pt_root_id,size&format=csv", u, root))
	if code != 200 || string(apiCSV) != cliCSV {
		t.Errorf("API CSV differs from the CLI:\n%.300s\n---\n%.300s", apiCSV, cliCSV)
	}
	// per-pair counts add up to the rows
	pairs := getRows(t, fmt.Sprintf("%s/query?pre=%d&group_by=pair&sort=syn_count", u, root))
	var sum float64
	for _, p := range pairs {
		sum += p["syn_count"].(float64)
	}
	if int(sum) != best || len(pairs) == 0 || pairs[0]["syn_count"].(float64) < pairs[len(pairs)-1]["syn_count"].(float64) {
		t.Errorf("pairs: %d pairs, %v synapses", len(pairs), sum)
	}
	// filters: eq on a column, SQL in a value is data
	if r := getRows(t, fmt.Sprintf("%s/query?pre=%d&eq.valid=true&limit=3", u, root)); len(r) != 3 {
		t.Errorf("eq.valid: %d rows", len(r))
	}
	if code, b := get(t, fmt.Sprintf("%s/query?pre=%d&in.id=1)%%20OR%%20(1=1", u, root)); code != 400 && !(code == 200 && string(b) == "[]\n") {
		t.Errorf("injection in in.id: %d %s", code, b)
	}
	// matrix among the first partners
	var set []int64
	seen := map[int64]bool{root: true}
	set = append(set, root)
	for _, p := range pairs {
		id := int64(p["post_pt_root_id"].(float64))
		if !seen[id] && len(set) < 5 {
			seen[id] = true
			set = append(set, id)
		}
	}
	sort.Slice(set, func(i, j int) bool { return set[i] < set[j] })
	ids := strings.Trim(strings.ReplaceAll(fmt.Sprint(set), " ", ","), "[]")
	mrows := getRows(t, u+"/matrix?neurons="+ids)
	want, err := ds.Matrix(context.Background(), &synapse.Request{}, set, set, synapse.ValueCount)
	if err != nil {
		t.Fatal(err)
	}
	if len(mrows) != len(set) {
		t.Fatalf("matrix rows %d", len(mrows))
	}
	for i, r := range mrows {
		for j, c := range set {
			if r[fmt.Sprint(c)] != want.Values[i*len(set)+j] {
				t.Errorf("matrix[%d][%d] = %v, want %v", i, j, r[fmt.Sprint(c)], want.Values[i*len(set)+j])
			}
		}
	}
	// cell-type matrix of the proofread subgraph
	tm := getRows(t, u+"/matrix?proofread=subgraph&by=cell_type")
	if len(tm) == 0 || tm[0]["pre_cell_type"] == nil {
		t.Errorf("type matrix: %v", tm)
	}
	deg := getRows(t, fmt.Sprintf("%s/degree?neurons=%d", u, root))
	if len(deg) != 1 || deg[0]["out_degree"] != float64(best) {
		t.Errorf("degree: %v (want out_degree %d)", deg, best)
	}
	cliDeg := runCLI(t, qsStore, "synapses", "degree", "--neurons", fmt.Sprint(root), "--format", "csv")
	if _, b := get(t, fmt.Sprintf("%s/degree?neurons=%d&format=csv", u, root)); string(b) != cliDeg {
		t.Errorf("degree CSV %s, CLI %s", b, cliDeg)
	}
	for _, c := range []struct {
		q    string
		code int
	}{
		{"/query?pre=@/etc/passwd", 400}, {"/query?pre=abc", 400}, {"/query?eq.nope=1", 404}, {"/query?group_by=x", 400},
		{"/matrix", 400}, {"/query?dataset=..%2Fx", 400}, {"/query?dataset=nope", 404},
	} {
		if code, b := get(t, u+c.q); code != c.code {
			t.Errorf("%s: %d %s, want %d", c.q, code, b, c.code)
		}
	}
}

func TestProjectionEndpoints(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	u := ts.URL + "/api/v1/projections"
	exps := getRows(t, u+"/experiments?region=VISp&include_descendants=true")
	wild := 0
	for _, e := range exps {
		if e["transgenic_line"] == "" {
			wild++
		}
	}
	if len(exps) != 6 || wild != 3 {
		t.Errorf("VISp experiments: %d (%d wild type), want 6 (3)", len(exps), wild)
	}
	if w := getRows(t, u+"/experiments?region=VISp&include_descendants=true&wild_type=true"); len(w) != 3 {
		t.Errorf("wild type: %d", len(w))
	}
	if all := getRows(t, u+"/experiments"); len(all) != 12 {
		t.Errorf("experiments: %d", len(all))
	}
	ms := getRows(t, u+"/matrices")
	if len(ms) != 2 || ms[0]["name"] != "quickstart-density" || ms[0]["rows"] != 12.0 || ms[0]["regions"] != 6.0 || ms[1]["measurement_type"] != "BARCODE_COUNT" || ms[1]["rows"] != 40.0 {
		t.Errorf("matrices: %v", ms)
	}
	st, _ := store.Open(qsStore)
	defer st.Close()
	m, err := projection.LoadMatrix(st, store.Ref{}, "allen_connectivity", "quickstart-density")
	if err != nil {
		t.Fatal(err)
	}
	long := getRows(t, u+"/matrices/allen_connectivity/quickstart-density")
	if len(long) != 72 {
		t.Fatalf("long matrix: %d rows", len(long))
	}
	for k, r := range long {
		v := m.Values[k]
		if r["data_item"] != m.Rows[k/6] || r["region_acronym"] != m.RegionAcronyms[k%6] || (r["value"] != v && r["value"] != nil) {
			t.Errorf("row %d: %v, want %s %s %v", k, r, m.Rows[k/6], m.RegionAcronyms[k%6], v)
		}
	}
	wide := getRows(t, u+"/matrices/allen_connectivity/quickstart-density?layout=wide")
	if len(wide) != 12 || len(wide[0]) != 7 {
		t.Errorf("wide: %d x %d", len(wide), len(wide[0]))
	}
	code, b := get(t, u+"/slices/allen_connectivity/quickstart-ap?group=AP1&plane=coronal")
	if code != 200 {
		t.Fatalf("slice: %d %s", code, b)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() < 50 {
		t.Errorf("slice PNG: %v", err)
	}
	for _, c := range []struct {
		q    string
		code int
	}{
		{"/matrices/allen_connectivity/nope", 404}, {"/matrices/..%2F..%2Fetc/passwd", 400}, {"/matrices/allen_connectivity/..%2Fx", 400},
		{"/slices/allen_connectivity/quickstart-ap?group=ZZ", 400}, {"/slices/allen_connectivity/quickstart-ap?plane=diagonal", 400},
		{"/experiments?region=NOPE", 404}, {"/experiments?dataset=..", 400},
	} {
		if code, b := get(t, u+c.q); code != c.code {
			t.Errorf("%s: %d %s, want %d", c.q, code, b, c.code)
		}
	}
}

func TestSchemaEndpoints(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	cls := getRows(t, ts.URL+"/api/v1/schema/classes")
	if len(cls) != 39 || !slices.Contains(col(cls, "class"), "BrainRegionClosure") || !slices.Contains(col(cls, "class"), "CoordinateSpace") || !slices.Contains(col(cls, "class"), "CellClusterRegionCount") {
		t.Errorf("schema classes: %d", len(cls))
	}
	slots := getRows(t, ts.URL+"/api/v1/schema/classes/BrainRegion")
	if slots[0]["slot"] != "id" || slots[0]["identifier"] != true || !slices.Contains(col(slots, "slot"), "parent_identifier") {
		t.Errorf("BrainRegion slots: %v", slots[:1])
	}
	code, b := get(t, ts.URL+"/api/v1/schema/erdiagram?classes=BrainRegion")
	if code != 200 || !strings.HasPrefix(string(b), "erDiagram") || !strings.Contains(string(b), "BrainRegion {") {
		t.Errorf("erdiagram: %d %.200s", code, b)
	}
	if code, _ := get(t, ts.URL+"/api/v1/schema/classes/Nope"); code != 404 {
		t.Errorf("unknown schema class: %d", code)
	}
}

func TestOpenAPIAndMetrics(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	code, b := get(t, ts.URL+"/openapi.json")
	if code != 200 {
		t.Fatal(code)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.OpenAPI != "3.0.3" {
		t.Fatalf("openapi: %v %s", err, doc.OpenAPI)
	}
	n := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			n++
			if method != "get" || strings.Contains(path, "{") {
				continue
			}
			// every documented GET path without parameters is served
			if code, b := get(t, ts.URL+path); code == 404 || code == 405 {
				t.Errorf("documented %s %s: %d %s", method, path, code, b)
			}
		}
	}
	if n != 25 {
		t.Errorf("%d operations documented, want 25", n)
	}
	if code, _ := get(t, ts.URL+"/api/v1/undocumented"); code != 404 {
		t.Errorf("undocumented path: %d", code)
	}
	get(t, ts.URL+"/healthz")
	get(t, ts.URL+"/healthz")
	_, m := get(t, ts.URL+"/metrics")
	for _, w := range []string{
		`ccc_http_requests_total{route="GET /healthz",method="GET",status="200"} 3`,
		`ccc_http_requests_total{route="unmatched",method="GET",status="404"} 1`,
		`ccc_http_request_duration_seconds_count{route="GET /healthz"} 3`,
		"# TYPE ccc_http_request_duration_seconds histogram",
		"ccc_http_requests_in_flight 1",
	} {
		if !strings.Contains(string(m), w) {
			t.Errorf("metrics lack %q:\n%s", w, m)
		}
	}
}

// TestRealData serves the quickstart store built from the real files of
// ../shared/data (skipped locally when they are missing, a failure in CI).
func TestRealData(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the quickstart on real data")
	}
	for _, rel := range []string{"allen-ccf/structure_tree_safe_2017.csv", "allen-connectivity/allenAtlasProjection_info.csv",
		"microns/synapses_23P_corner_5.csv", "microns/cells_no_repeats.csv"} {
		testenv.SharedData(t, rel)
	}
	data := filepath.Dir(testenv.SharedData(t, "allen-ccf"))
	out := filepath.Join(t.TempDir(), "qs")
	var stdout, stderr bytes.Buffer
	if c := cli.Run(context.Background(), []string{"quickstart", "--out", out, "--data", data},
		&cli.IO{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr, Getenv: func(string) string { return "" }}); c != 0 {
		t.Fatalf("quickstart: %d %s", c, stderr.String())
	}
	ts := newServer(t, filepath.Join(out, "store"), server.Config{})
	anc := getRows(t, ts.URL+"/api/v1/atlas/regions/VISp1/ancestors")
	if got := strings.Join(col(anc, "acronym"), " > "); got != "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1" {
		t.Errorf("ancestors: %s", got)
	}
	if a := getRows(t, ts.URL+"/api/v1/atlas"); len(a) != 1 || a[0]["regions"] != 1327.0 {
		t.Errorf("atlas: %v", a)
	}
	if n := getRows(t, ts.URL+"/api/v1/tables/Synapse?select=id"); len(n) != 5051 {
		t.Errorf("synapses: %d, want 5051", len(n))
	}
	exps := getRows(t, ts.URL+"/api/v1/projections/experiments?region=VISp&include_descendants=true")
	wild := getRows(t, ts.URL+"/api/v1/projections/experiments?region=VISp&include_descendants=true&wild_type=true")
	if len(exps) != 283 || len(wild) != 33 {
		t.Errorf("VISp experiments: %d (%d wild type), want 283 (33)", len(exps), len(wild))
	}
}
