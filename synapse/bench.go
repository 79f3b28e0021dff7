package synapse

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/ccc-connectivity/ccc/store"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// BenchOptions configure RunBench.
type BenchOptions struct {
	Set     []int64 // the proofread-subgraph neuron set (pre and post)
	Neuron  int64   // the neuron of (b) and (c); 0 = a median-degree member of Set
	Repeats int     // timed runs per query (median reported), default 5
	Threads int     // DuckDB threads (0 = DuckDB default)
	NoSQL   bool    // skip the DuckDB peer
}

// BenchResult is one query's timing in both engines.
type BenchResult struct {
	Name             string
	Index, SQL       time.Duration
	IndexRows        int64
	SQLRows          int64
	IndexSum, SQLSum float64
}

// BenchReport is the result of RunBench.
type BenchReport struct {
	Rows      int
	Neurons   int
	SetSize   int
	Neuron    int64
	Results   []BenchResult
	PeakRSSMB float64 // VmHWM of this process after all runs
	// IndexPeakRSSMB is VmHWM after the index runs, before DuckDB ran.
	IndexPeakRSSMB float64
	// IndexAnonMB and IndexFileMB split the resident set after the index
	// runs into heap (anonymous) and mapped index files (page cache).
	IndexAnonMB, IndexFileMB float64
	OpenTime                 time.Duration
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// RunBench times (a) the subgraph among Set (autapses removed), (b) one
// neuron's outputs, (c) its inputs and (d) per-pair counts of (a), with the
// graph index and with plain DuckDB SQL over the dataset's Parquet table
// (sorted by pre, row-group statistics). Each is run once to warm up, then
// Repeats times; the median is reported.
func (d *Dataset) RunBench(ctx context.Context, o BenchOptions) (*BenchReport, error) {
	if o.Repeats <= 0 {
		o.Repeats = 5
	}
	ix := d.Index
	rep := &BenchReport{Rows: ix.Rows(), Neurons: ix.Neurons(), SetSize: len(o.Set)}
	if o.Neuron == 0 {
		s, _ := ix.NewSet(o.Set)
		if s.Len() == 0 {
			return nil, fmt.Errorf("benchmark set has no neuron of the table")
		}
		mem := slices.Clone(s.List)
		slices.SortFunc(mem, func(a, b uint32) int { return ix.OutDegree(a) - ix.OutDegree(b) })
		o.Neuron = ix.Roots[mem[len(mem)/2]]
	}
	rep.Neuron = o.Neuron
	sumSize := func(rows []uint32) float64 {
		s := 0.0
		for _, r := range rows {
			if v := ix.Size[r]; !math.IsNaN(v) {
				s += v
			}
		}
		return s
	}
	type job struct {
		name  string
		index func() (int64, float64)
		sql   string
	}
	var ids []string
	for _, id := range o.Set {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	in := "(" + strings.Join(ids, ",") + ")"
	tbl := "read_parquet(" + store.QuoteString(d.Table) + ")"
	one := strconv.FormatInt(o.Neuron, 10)
	jobs := []job{
		{"(a) subgraph among set, no autapses", func() (int64, float64) {
			s, _ := ix.NewSet(o.Set)
			rows := ix.Select(Filter{Pre: s, Post: s, RemoveAutapses: true})
			return int64(len(rows)), sumSize(rows)
		}, "SELECT count(*), coalesce(sum(size), 0) FROM (SELECT id, pre_pt_root_id, post_pt_root_id, size FROM " + tbl +
			" WHERE pre_pt_root_id IN " + in + " AND post_pt_root_id IN " + in + " AND pre_pt_root_id <> post_pt_root_id)"},
		{"(b) one neuron's outputs", func() (int64, float64) {
			s, _ := ix.NewSet([]int64{o.Neuron})
			rows := ix.Select(Filter{Pre: s})
			return int64(len(rows)), sumSize(rows)
		}, "SELECT count(*), coalesce(sum(size), 0) FROM (SELECT id, pre_pt_root_id, post_pt_root_id, size FROM " + tbl + " WHERE pre_pt_root_id = " + one + ")"},
		{"(c) one neuron's inputs", func() (int64, float64) {
			s, _ := ix.NewSet([]int64{o.Neuron})
			rows := ix.Select(Filter{Post: s})
			return int64(len(rows)), sumSize(rows)
		}, "SELECT count(*), coalesce(sum(size), 0) FROM (SELECT id, pre_pt_root_id, post_pt_root_id, size FROM " + tbl + " WHERE post_pt_root_id = " + one + ")"},
		{"(d) per-pair counts of (a)", func() (int64, float64) {
			s, _ := ix.NewSet(o.Set)
			pairs := ix.PairCounts(ix.Select(Filter{Pre: s, Post: s, RemoveAutapses: true}))
			t := 0.0
			for _, p := range pairs {
				t += float64(p.Count)
			}
			return int64(len(pairs)), t
		}, "SELECT count(*), coalesce(sum(n), 0) FROM (SELECT pre_pt_root_id, post_pt_root_id, count(*) AS n FROM " + tbl +
			" WHERE pre_pt_root_id IN " + in + " AND post_pt_root_id IN " + in + " AND pre_pt_root_id <> post_pt_root_id GROUP BY 1, 2)"},
	}
	var db *sql.DB
	if !o.NoSQL {
		var err error
		db, err = sql.Open("duckdb", "")
		if err != nil {
			return nil, err
		}
		defer db.Close()
		if o.Threads > 0 {
			if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", o.Threads)); err != nil {
				return nil, err
			}
		}
	}
	for _, j := range jobs {
		r := BenchResult{Name: j.name}
		r.IndexRows, r.IndexSum = j.index() // warm-up
		var ts []time.Duration
		for i := 0; i < o.Repeats; i++ {
			t0 := time.Now()
			j.index()
			ts = append(ts, time.Since(t0))
		}
		r.Index = median(ts)
		rep.Results = append(rep.Results, r)
	}
	rep.IndexPeakRSSMB = peakRSSMB()
	rep.IndexAnonMB, rep.IndexFileMB = procStatusMB("RssAnon:"), procStatusMB("RssFile:")
	for k, j := range jobs {
		if db == nil {
			break
		}
		r := &rep.Results[k]
		if err := db.QueryRowContext(ctx, j.sql).Scan(&r.SQLRows, &r.SQLSum); err != nil {
			return nil, fmt.Errorf("%s: %w", j.name, err)
		}
		var ts []time.Duration
		for i := 0; i < o.Repeats; i++ {
			t0 := time.Now()
			var a int64
			var b float64
			if err := db.QueryRowContext(ctx, j.sql).Scan(&a, &b); err != nil {
				return nil, err
			}
			ts = append(ts, time.Since(t0))
		}
		r.SQL = median(ts)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	rep.PeakRSSMB = peakRSSMB()
	return rep, nil
}

// peakRSSMB reads VmHWM from /proc/self/status (0 when unavailable).
func peakRSSMB() float64 { return procStatusMB("VmHWM:") }

// procStatusMB reads one kB field of /proc/self/status in MB.
func procStatusMB(key string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}

// Print writes the report as a table.
func (r *BenchReport) Print(w io.Writer) {
	fmt.Fprintf(w, "synapses: %d rows, %d neurons; set of %d neurons; neuron for (b)/(c): %d\n", r.Rows, r.Neurons, r.SetSize, r.Neuron)
	fmt.Fprintf(w, "%-38s %12s %12s %8s %10s %s\n", "query (warm, median)", "ccc index", "DuckDB SQL", "ratio", "rows", "same result")
	for _, x := range r.Results {
		ratio, same, sqlT := "-", "-", "-"
		if x.SQL > 0 {
			ratio = fmt.Sprintf("%.0fx", float64(x.SQL)/float64(max(x.Index, time.Microsecond)))
			sqlT = fmtDur(x.SQL)
			same = "no"
			if x.SQLRows == x.IndexRows && math.Abs(x.SQLSum-x.IndexSum) <= 1e-9*math.Max(1, math.Abs(x.SQLSum)) {
				same = "yes"
			}
		}
		fmt.Fprintf(w, "%-38s %12s %12s %8s %10d %s\n", x.Name, fmtDur(x.Index), sqlT, ratio, x.IndexRows, same)
	}
	fmt.Fprintf(w, "peak RSS: %.0f MB after the index queries (mapped pages included), %.0f MB after the DuckDB peer\n", r.IndexPeakRSSMB, r.PeakRSSMB)
	fmt.Fprintf(w, "resident after the index queries: %.0f MB heap, %.0f MB mapped index pages (page cache, reclaimable)\n", r.IndexAnonMB, r.IndexFileMB)
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f us", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}
