package linkml

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// envInt reads a positive integer from the environment.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

var acronyms = []string{"VISp", "MOp", "SSp-bfd", "CA1", "DG-sg", "root", "TH", "HY"}

// flatRecord is record i of the benchmark data: BrainRegion-like, valid.
func flatRecord(i int) map[string]any {
	return map[string]any{
		"id":                int64(i + 1),
		"name":              "Region " + strconv.Itoa(i),
		"acronym":           acronyms[i%len(acronyms)],
		"color_hex_triplet": "08858C",
		"term_set_name":     "Mouse Brain Atlas",
		"annotation_value":  int64(i + 1),
		"depth":             int64(i % 12),
		"parent_identifier": int64(i/2 + 1),
	}
}

// flatBatch builds n rows in columns.
func flatBatch(n int) *Batch {
	ids := make([]int64, n)
	names := make([]string, n)
	acr := make([]string, n)
	col := make([]string, n)
	ts := make([]string, n)
	av := make([]int64, n)
	depth := make([]int64, n)
	parent := make([]int64, n)
	for i := 0; i < n; i++ {
		ids[i] = int64(i + 1)
		names[i] = "Region " + strconv.Itoa(i)
		acr[i] = acronyms[i%len(acronyms)]
		col[i] = "08858C"
		ts[i] = "Mouse Brain Atlas"
		av[i] = int64(i + 1)
		depth[i] = int64(i % 12)
		parent[i] = int64(i/2 + 1)
	}
	return &Batch{Rows: n, Columns: []Column{
		{Name: "id", Int64: ids}, {Name: "name", String: names}, {Name: "acronym", String: acr},
		{Name: "color_hex_triplet", String: col}, {Name: "term_set_name", String: ts},
		{Name: "annotation_value", Int64: av}, {Name: "depth", Int64: depth}, {Name: "parent_identifier", Int64: parent},
	}}
}

func flatValidator(tb testing.TB, o ValidateOptions) *Validator {
	s, err := Load("testdata/flat/schema.yaml", LoadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	v, err := s.NewValidator("Region", o)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// BenchmarkValidateFlat validates CCC_BENCH_RECORDS (default 1,000,000)
// flat BrainRegion-like records per iteration, as maps (records) and as
// columns, with identifier uniqueness and references checked, and reports
// records/s.
func BenchmarkValidateFlat(b *testing.B) {
	n := envInt("CCC_BENCH_RECORDS", 1_000_000)
	opts := ValidateOptions{CheckUnique: true, CheckRefs: true}
	b.Run("records", func(b *testing.B) {
		v := flatValidator(b, opts)
		// a pool of distinct records, cycled: keeps memory modest
		pool := make([]any, min(n, 100_000))
		for i := range pool {
			pool[i] = flatRecord(i)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for it := 0; it < b.N; it++ {
			var out []Violation
			st := v.NewStream()
			for i := 0; i < n; i++ {
				if i%len(pool) == 0 && i > 0 {
					out = st.Finish(out)
					st = v.NewStream()
				}
				out = st.Add(pool[i%len(pool)], out)
			}
			out = st.Finish(out)
			if len(out) != 0 {
				b.Fatalf("%d violations: %v", len(out), out[0])
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("columns", func(b *testing.B) {
		v := flatValidator(b, opts)
		batch := flatBatch(n)
		const chunk = 64 * 1024
		b.ReportAllocs()
		b.ResetTimer()
		for it := 0; it < b.N; it++ {
			cs := v.NewColumnStream()
			var out []Violation
			var err error
			for off := 0; off < n; off += chunk {
				out, err = cs.Validate(sliceBatch(batch, off, min(off+chunk, n)), out)
				if err != nil {
					b.Fatal(err)
				}
			}
			out = cs.Finish(out)
			if len(out) != 0 {
				b.Fatalf("%d violations: %v", len(out), out[0])
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
}

// sliceBatch views rows [lo, hi) of a batch without copying (no nulls,
// no lists: enough for the benchmark).
func sliceBatch(b *Batch, lo, hi int) *Batch {
	out := &Batch{Rows: hi - lo, Columns: make([]Column, len(b.Columns))}
	for i, c := range b.Columns {
		d := Column{Name: c.Name}
		switch {
		case c.Int64 != nil:
			d.Int64 = c.Int64[lo:hi]
		case c.Float64 != nil:
			d.Float64 = c.Float64[lo:hi]
		case c.String != nil:
			d.String = c.String[lo:hi]
		case c.Bool != nil:
			d.Bool = c.Bool[lo:hi]
		}
		out.Columns[i] = d
	}
	return out
}

// TestSpeedVsLinkMLValidate is the side-by-side benchmark (run by
// bench/linkml_validate.sh with CCC_BENCH_LINKML=1): the same 20,000
// records (CCC_BENCH_REF_RECORDS) through linkml-validate and through ccc,
// plus ccc on 1,000,000 records (CCC_BENCH_RECORDS), printing records/s
// and the ratios. Not a timed test: it only prints figures, and checks
// that both validators accept the data.
func TestSpeedVsLinkMLValidate(t *testing.T) {
	if os.Getenv("CCC_BENCH_LINKML") == "" {
		t.Skip("set CCC_BENCH_LINKML=1 (bench/linkml_validate.sh) to run the side-by-side benchmark")
	}
	tool := testenv.Tool(t, "linkml-validate")
	nRef := envInt("CCC_BENCH_REF_RECORDS", 20_000)
	nBig := envInt("CCC_BENCH_RECORDS", 1_000_000)
	dir := t.TempDir()
	recs := make([]any, nRef)
	for i := range recs {
		recs[i] = flatRecord(i)
	}
	data, err := json.Marshal(recs)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "regions.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	schemaPath, _ := filepath.Abs("testdata/flat/schema.yaml")

	// reference: the whole CLI run (schema load included, as a user sees it)
	start := time.Now()
	cmd := exec.Command(tool, "-s", schemaPath, "-C", "Region", file)
	outb, err := cmd.CombinedOutput()
	refDur := time.Since(start)
	if err != nil {
		t.Fatalf("linkml-validate: %v\n%s", err, outb)
	}

	// fixed cost of a linkml-validate run (Python start, schema load,
	// JSON Schema generation): one record
	one := filepath.Join(dir, "one.json")
	oneData, _ := json.Marshal(recs[:1])
	if err := os.WriteFile(one, oneData, 0o644); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if b, err := exec.Command(tool, "-s", schemaPath, "-C", "Region", one).CombinedOutput(); err != nil {
		t.Fatalf("linkml-validate: %v\n%s", err, b)
	}
	fixed := time.Since(start)

	// ccc on the same file, end to end in process: load schema, decode JSON, validate
	start = time.Now()
	s, err := Load(schemaPath, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.NewValidator("Region", ValidateOptions{CheckUnique: true, CheckRefs: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := DecodeJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	st := v.NewStream()
	var out []Violation
	for _, r := range doc.([]any) {
		out = st.Add(r, out)
	}
	out = st.Finish(out)
	cccSmall := time.Since(start)
	if len(out) != 0 {
		t.Fatalf("ccc: %v", out[0])
	}

	// ccc throughput on nBig records: records (maps) and columns
	recRate := measure(t, nBig, func() {
		vv := flatValidator(t, ValidateOptions{CheckUnique: true, CheckRefs: true})
		pool := make([]any, min(nBig, 100_000))
		for i := range pool {
			pool[i] = flatRecord(i)
		}
		start := time.Now()
		st := vv.NewStream()
		var out []Violation
		for i := 0; i < nBig; i++ {
			if i%len(pool) == 0 && i > 0 {
				out = st.Finish(out)
				st = vv.NewStream()
			}
			out = st.Add(pool[i%len(pool)], out)
		}
		st.Finish(out)
		lastDur = time.Since(start)
	})
	colRate := measure(t, nBig, func() {
		vv := flatValidator(t, ValidateOptions{CheckUnique: true, CheckRefs: true})
		batch := flatBatch(nBig)
		start := time.Now()
		cs := vv.NewColumnStream()
		var out []Violation
		for off := 0; off < nBig; off += 64 * 1024 {
			out, _ = cs.Validate(sliceBatch(batch, off, min(off+64*1024, nBig)), out)
		}
		cs.Finish(out)
		lastDur = time.Since(start)
	})
	refRate := float64(nRef) / refDur.Seconds()
	fmt.Printf("linkml-validate 1.12.1: %d records in %.2fs = %.0f records/s (CLI run, schema load included)\n", nRef, refDur.Seconds(), refRate)
	if perRec := refDur - fixed; perRec > 0 {
		inc := float64(nRef) / perRec.Seconds()
		fmt.Printf("linkml-validate without its fixed cost (%.2fs for 1 record): %.0f records/s; ccc records API %.0fx, columnar %.0fx that\n",
			fixed.Seconds(), inc, recRate/inc, colRate/inc)
	}
	fmt.Printf("ccc, same file end to end: %d records in %.3fs = %.0f records/s (%.0fx)\n", nRef, cccSmall.Seconds(), float64(nRef)/cccSmall.Seconds(), float64(nRef)/cccSmall.Seconds()/refRate)
	fmt.Printf("ccc records API: %d records at %.0f records/s (%.0fx linkml-validate)\n", nBig, recRate, recRate/refRate)
	fmt.Printf("ccc columnar API: %d records at %.0f records/s (%.0fx linkml-validate)\n", nBig, colRate, colRate/refRate)
}

var lastDur time.Duration

// measure runs fn (which sets lastDur to its timed part) and returns the
// rate in records/s.
func measure(t *testing.T, n int, fn func()) float64 {
	t.Helper()
	fn()
	return float64(n) / lastDur.Seconds()
}
