package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/server"
	"github.com/ccc-connectivity/ccc/store"
)

// newServers serves the quickstart store twice: with the direct table path
// and with every table request through SQL.
func newServers(t *testing.T) (direct, viaSQL *server.Server, du, su string) {
	t.Helper()
	st, err := store.Open(qsStore)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(on bool) (*server.Server, string) {
		srv, err := server.New(server.Config{Store: st})
		if err != nil {
			t.Fatal(err)
		}
		srv.SetDirect(on)
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(func() { ts.Close(); srv.Close() })
		return srv, ts.URL
	}
	t.Cleanup(func() { st.Close() })
	direct, du = mk(true)
	viaSQL, su = mk(false)
	return direct, viaSQL, du, su
}

// cell renders one Arrow value as the CSV answer does (server.textValue).
func cell(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch x := a.(type) {
	case *array.Int64:
		return strconv.FormatInt(x.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(x.Value(i), 'f', -1, 64)
	case *array.Boolean:
		return strconv.FormatBool(x.Value(i))
	case *array.String:
		return x.Value(i)
	case *array.Timestamp:
		return x.Value(i).ToTime(arrow.Microsecond).UTC().Format(time.RFC3339Nano)
	}
	return a.ValueStr(i)
}

// table is a decoded answer: its schema and its rows as CSV cells.
type table struct {
	schema  *arrow.Schema
	rows    [][]string
	batches int
}

// add appends the rows of rec.
func (tb *table) add(rec arrow.RecordBatch) {
	for i := 0; i < int(rec.NumRows()); i++ {
		row := make([]string, rec.NumCols())
		for c := range row {
			row[c] = cell(rec.Column(c), i)
		}
		tb.rows = append(tb.rows, row)
	}
}

func readArrow(t *testing.T, b []byte) table {
	t.Helper()
	rd, err := ipc.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("arrow: %v", err)
	}
	defer rd.Release()
	out := table{schema: rd.Schema()}
	for rd.Next() {
		out.batches++
		out.add(rd.RecordBatch())
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("arrow: %v", err)
	}
	return out
}

func readParquet(t *testing.T, b []byte) table {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parquet: %v", err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 20}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	out := table{schema: rr.Schema()}
	for rr.Next() {
		out.add(rr.RecordBatch())
	}
	return out
}

func fetchOK(t *testing.T, url string) []byte {
	t.Helper()
	code, b := get(t, url)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", url, code, b)
	}
	return b
}

// TestTableDirect: plain table requests in Arrow and Parquet, read straight
// from the Parquet files, give exactly the SQL path's answer (schema, rows,
// order) and the CSV answer's values, for every class of the quickstart
// store (several span datasets) and for selections, datasets, limits and
// offsets across row groups and files; other requests still go through SQL.
func TestTableDirect(t *testing.T) {
	direct, _, du, su := newServers(t)
	tables := getRows(t, du+"/api/v1/tables")
	var classes []string
	for _, r := range tables {
		if c := r["class"].(string); !slices.Contains(classes, c) {
			classes = append(classes, c)
		}
	}
	type req struct {
		class, query string
		rows         int // expected rows, -1: do not check
		direct       bool
	}
	var reqs []req
	for _, c := range classes {
		// lists (BIGINT[], VARCHAR[], ...) and clashing types go through SQL
		sqlOnly := []string{"BrainRegion", "Cluster", "ConnectivityExperiment", "ProjectionMeasurementMatrix", "NWBArray", "ClusterHierarchy"}
		reqs = append(reqs, req{c, "", -1, !slices.Contains(sqlOnly, c)})
	}
	reqs = append(reqs,
		req{"Synapse", "select=size,dataset,id,size,created,valid&limit=1000&offset=122000", 1000, true},
		req{"Synapse", "offset=299990", 10, true},
		req{"Synapse", "offset=300000", 0, true},
		req{"Synapse", "offset=400000&limit=3", 0, true},
		req{"Synapse", "limit=0", 0, true},
		req{"Synapse", "select=pre_pt_root_id&limit=200000", 200000, true},
		req{"Synapse", "dataset=synth-minnie&select=id&limit=5", 5, true},
		req{"Synapse", "dataset=nwb_demo&select=id", 0, true},
		req{"Synapse", "select=dataset&limit=3", 3, false},         // nothing to read from a file
		req{"Synapse", "select=id&eq.id=100000005", -1, false},     // a filter: SQL
		req{"Synapse", "select=id&order_by=-id&limit=3", 3, false}, // an order: SQL
		req{"DataItem", "offset=10&limit=40", 40, true},            // across datasets
		req{"DataItem", "dataset=nwb_demo,mapseq_demo&limit=30", 30, true},
		req{"ProofreadingStatus", "offset=3&select=dataset,pt_root_id", 45, true},
		req{"Synapse", "version=3&select=id&limit=5", 5, true},
		req{"DataItem", "select=neuroglancer_link,id&offset=20", -1, true}, // a column of one dataset only
		req{"DataItem", "select=neuroglancer_link&limit=9", 9, true},
		req{"CellMetadata", "select=spatial_location_x,cell_id,dataset,store_dataset&offset=4990", 10, true},
	)
	for _, rq := range reqs {
		u := "/api/v1/tables/" + rq.class + "?" + rq.query
		for _, format := range []string{"arrow", "parquet"} {
			before := direct.DirectServed()
			a := fetchOK(t, du+u+"&format="+format)
			if used := direct.DirectServed() > before; used != rq.direct {
				t.Errorf("%s %s: direct path used %v, want %v", u, format, used, rq.direct)
			}
			b := fetchOK(t, su+u+"&format="+format)
			read := readArrow
			if format == "parquet" {
				read = readParquet
			}
			got, want := read(t, a), read(t, b)
			if !got.schema.Equal(want.schema) {
				t.Errorf("%s %s: schema\n%s\nwant\n%s", u, format, got.schema, want.schema)
				continue
			}
			if !slices.EqualFunc(got.rows, want.rows, slices.Equal) {
				t.Errorf("%s %s: %d rows differ from the SQL path's %d (first %v vs %v)", u, format, len(got.rows), len(want.rows), first(got.rows), first(want.rows))
			}
			if rq.rows >= 0 && len(got.rows) != rq.rows {
				t.Errorf("%s %s: %d rows, want %d", u, format, len(got.rows), rq.rows)
			}
			if format == "parquet" || len(got.schema.Fields()) == 1 {
				continue // CSV drops rows of one empty cell
			}
			// the CSV answer (SQL path) holds the same values
			recs, err := csv.NewReader(bytes.NewReader(fetchOK(t, du+u+"&format=csv"))).ReadAll()
			if err != nil {
				t.Fatalf("%s csv: %v", u, err)
			}
			if len(recs) == 0 || !slices.EqualFunc(got.rows, recs[1:], slices.Equal) {
				t.Errorf("%s: Arrow rows differ from the CSV answer (%d vs %d rows; first %v vs %v)", u, len(got.rows), len(recs)-1, first(got.rows), first(recs[1:]))
			}
		}
	}
	// the Synapse table's values, checked against a DuckDB query of the store
	syn := readArrow(t, fetchOK(t, du+"/api/v1/tables/Synapse?format=arrow&select=id,dataset"))
	var sum int64
	for _, r := range syn.rows {
		n, _ := strconv.ParseInt(r[0], 10, 64)
		sum += n
	}
	want := strings.TrimSpace(runCLI(t, qsStore, "query", "--format", "csv", "SELECT count(*), sum(id)::BIGINT, min(dataset) FROM Synapse"))
	if got := fmt.Sprintf("%d,%d,%s", len(syn.rows), sum, syn.rows[0][1]); !strings.HasSuffix(want, "\n"+got) || syn.batches != 5 {
		t.Errorf("Synapse: %s in %d batches; DuckDB says %q", got, syn.batches, want)
	}
	// errors are the SQL path's
	for _, q := range []string{"select=id,nope", "limit=-1", "offset=x"} {
		c1, b1 := get(t, du+"/api/v1/tables/Synapse?format=arrow&"+q)
		c2, b2 := get(t, su+"/api/v1/tables/Synapse?format=arrow&"+q)
		if c1 != 400 || c1 != c2 || !bytes.Equal(b1, b2) {
			t.Errorf("%s: %d %s, SQL path %d %s", q, c1, b1, c2, b2)
		}
	}
}

func first(rows [][]string) []string {
	if len(rows) == 0 {
		return nil
	}
	return rows[0]
}

// TestTableDirectCancel: a client that leaves in the middle of a direct
// Arrow stream ends the request.
func TestTableDirectCancel(t *testing.T) {
	direct, _, du, _ := newServers(t)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", du+"/api/v1/tables/Synapse?format=arrow", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 1<<16)); err != nil {
		t.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	if direct.DirectServed() != 1 {
		t.Fatalf("direct path not used: %d", direct.DirectServed())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, m := get(t, du+"/metrics")
		if strings.Contains(string(m), "ccc_http_requests_in_flight 1\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stream still runs 10s after its client left:\n%s", m)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkTableArrow streams the quickstart store's Synapse table (300,000
// rows, 18 columns) as Arrow through the direct path and through SQL;
// MB/s is Arrow IPC bytes.
func BenchmarkTableArrow(b *testing.B) {
	st, err := store.Open(qsStore)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for _, direct := range []bool{true, false} {
		name := map[bool]string{true: "direct", false: "sql"}[direct]
		b.Run(name, func(b *testing.B) {
			srv, err := server.New(server.Config{Store: st})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			srv.SetDirect(direct)
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			for b.Loop() {
				resp, err := http.Get(ts.URL + "/api/v1/tables/Synapse?format=arrow")
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					b.Fatal(resp.StatusCode, err)
				}
				b.SetBytes(n)
			}
		})
	}
}

// TestSynapseQueryColumns: synapse queries served from the graph index
// reach the Arrow and Parquet writers a column batch at a time
// (synapse.ColumnWriter); their rows equal the CSV answer, written row by
// row by 'ccc synapses query', for one neuron and for the whole table
// (300,000 rows: many batches), with cell types as strings.
func TestSynapseQueryColumns(t *testing.T) {
	ts := newServer(t, "", server.Config{})
	cols := "id,pre_pt_root_id,post_pt_root_id,size,cell_type_pre"
	for _, q := range []string{"pre=864691132807665487", "limit=9000", ""} {
		args := []string{"synapses", "query", "--columns", cols, "--format", "csv"}
		if k, v, ok := strings.Cut(q, "="); ok {
			args = append(args, "--"+k, v)
		}
		recs, err := csv.NewReader(strings.NewReader(runCLI(t, qsStore, args...))).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("%s: CLI CSV: %v (%d records)", q, err, len(recs))
		}
		u := ts.URL + "/api/v1/synapses/query?columns=" + cols + "&" + q
		for _, format := range []string{"arrow", "parquet"} {
			b := fetchOK(t, u+"&format="+format)
			got := readArrow
			if format == "parquet" {
				got = readParquet
			}
			tb := got(t, b)
			if !slices.EqualFunc(tb.rows, recs[1:], slices.Equal) {
				t.Errorf("%s %s: %d rows differ from the CLI's %d (first %v vs %v)", q, format, len(tb.rows), len(recs)-1, first(tb.rows), recs[1])
			}
		}
	}
}

// FuzzTableDirect: any query string of a table request gets the same status
// from the direct path as from SQL and, when answered, the same table.
func FuzzTableDirect(f *testing.F) {
	for _, q := range []string{"", "limit=3", "offset=5000&limit=100", "select=neuroglancer_link,store_dataset,id", "dataset=nwb_demo,mapseq_demo",
		"select=id,id&offset=39", "limit=+2", "offset=-1", "limit=99999999999999999999", "select=%20id", "select=", "dataset=..", "version=3", "timestamp=2020-01-01"} {
		f.Add(q, false)
		f.Add(q, true)
	}
	var (
		once   sync.Once
		du, su string
		closes []func()
	)
	f.Cleanup(func() {
		for _, c := range closes {
			c()
		}
	})
	f.Fuzz(func(t *testing.T, q string, parquet bool) {
		once.Do(func() {
			st, err := store.Open(qsStore)
			if err != nil {
				t.Fatal(err)
			}
			closes = append(closes, func() { st.Close() })
			for _, on := range []bool{true, false} {
				srv, err := server.New(server.Config{Store: st})
				if err != nil {
					t.Fatal(err)
				}
				srv.SetDirect(on)
				ts := httptest.NewServer(srv.Handler())
				closes = append(closes, ts.Close, func() { srv.Close() })
				if on {
					du = ts.URL
				} else {
					su = ts.URL
				}
			}
		})
		format := "arrow"
		if parquet {
			format = "parquet"
		}
		u := "/api/v1/tables/DataItem?format=" + format + "&" + q
		if _, err := url.Parse(du + u); err != nil {
			return
		}
		c1, b1 := get(t, du+u)
		c2, b2 := get(t, su+u)
		if c1 != c2 {
			t.Fatalf("%s: direct %d %.200s, SQL %d %.200s", q, c1, b1, c2, b2)
		}
		if c1 != 200 {
			return
		}
		read := readArrow
		if parquet {
			read = readParquet
		}
		g, w := read(t, b1), read(t, b2)
		if !g.schema.Equal(w.schema) || !slices.EqualFunc(g.rows, w.rows, slices.Equal) {
			t.Fatalf("%s: direct answer (%d rows) differs from SQL's (%d rows)", q, len(g.rows), len(w.rows))
		}
	})
}

// TestTableDirectChecksumGate: the direct path (arrow-go) only parses a
// file whose bytes match the manifest's SHA-256; a damaged file is left to
// DuckDB, which reports it instead of crashing the server.
func TestTableDirectChecksumGate(t *testing.T) {
	dir := t.TempDir()
	good := []byte("PAR1 not really parquet PAR1")
	path := filepath.Join(dir, "x.parquet")
	if err := os.WriteFile(path, good, 0o444); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(good)
	st, err := store.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	info := store.TableInfo{Class: "X", Path: path, SHA256: hex.EncodeToString(sum[:])}
	if !s.VerifiedFile(info) {
		t.Fatal("a file matching its checksum was refused")
	}
	info.SHA256 = strings.Repeat("0", 64)
	if s.VerifiedFile(info) {
		t.Fatal("a file whose checksum differs was accepted for the direct path")
	}
	if err := store.VerifyFile(info); err == nil || !strings.Contains(err.Error(), "SHA-256 differs") {
		t.Fatalf("VerifyFile: %v", err)
	}
}
