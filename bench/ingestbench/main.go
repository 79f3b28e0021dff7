// Command ingestbench measures 'ccc ingest' of N synthetic synapse rows
// from Parquet (with validation) against a plain DuckDB COPY of the same
// file, the floor, in the same run. It prints rows/s, the ratio to the
// floor and the ingest process's peak RSS. Run it through bench/ingest.sh.
package main

import (
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	rows := flag.Int("rows", 1000000, "synthetic synapse rows")
	bin := flag.String("ccc", "", "ccc binary (built by bench/ingest.sh)")
	work := flag.String("dir", "", "work directory (default a temporary one)")
	jsonOut := flag.String("json", "", "also write the figures to this JSON file (bench/harness.py)")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "ingestbench: -ccc BINARY is required")
		os.Exit(2)
	}
	dir := *work
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "ccc-ingestbench-"); err != nil {
			fail(err)
		}
		defer os.RemoveAll(dir)
	}
	in := filepath.Join(dir, "synapses.parquet")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		fail(err)
	}
	t0 := time.Now()
	// CAVE-like synapse table: ids, root ids, size, three positions.
	_, err = db.Exec(fmt.Sprintf(`COPY (SELECT range AS id,
		864691135000000000 + (range * 2654435761) %% 200003 AS pre_pt_root_id,
		864691135000000000 + (range * 40503) %% 199999 AS post_pt_root_id,
		(range * 7) %% 5000 + 1 AS size,
		((range * 13) %% 400000)::DOUBLE * 4 AS pre_pt_position_x, ((range * 17) %% 300000)::DOUBLE * 4 AS pre_pt_position_y, ((range * 19) %% 25000)::DOUBLE * 40 AS pre_pt_position_z,
		((range * 13) %% 400000)::DOUBLE * 4 + 8 AS post_pt_position_x, ((range * 17) %% 300000)::DOUBLE * 4 + 8 AS post_pt_position_y, ((range * 19) %% 25000)::DOUBLE * 40 AS post_pt_position_z,
		((range * 13) %% 400000)::DOUBLE * 4 + 4 AS ctr_pt_position_x, ((range * 17) %% 300000)::DOUBLE * 4 + 4 AS ctr_pt_position_y, ((range * 19) %% 25000)::DOUBLE * 40 AS ctr_pt_position_z
		FROM range(%d)) TO '%s' (FORMAT parquet, COMPRESSION zstd)`, *rows, in))
	if err != nil {
		fail(err)
	}
	st, _ := os.Stat(in)
	fmt.Printf("input: %d synthetic synapse rows, %.1f MB Parquet (generated in %s)\n", *rows, float64(st.Size())/1e6, time.Since(t0).Round(time.Millisecond))

	// Floor: a plain DuckDB COPY of the same file, in its own process-like
	// fresh database.
	db.Close()
	db, _ = sql.Open("duckdb", "")
	t0 = time.Now()
	if _, err := db.Exec(fmt.Sprintf(`COPY (SELECT * FROM read_parquet('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd)`, in, filepath.Join(dir, "copy.parquet"))); err != nil {
		fail(err)
	}
	floor := time.Since(t0)
	db.Close()

	store := filepath.Join(dir, "store")
	run(exec.Command(*bin, "--store", store, "init"))
	t0 = time.Now()
	cmd := exec.Command(*bin, "--store", store, "--quiet", "ingest", "--class", "Synapse", "--dataset", "bench", "--report", filepath.Join(dir, "report.json"), in)
	out := run(cmd)
	took := time.Since(t0)
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	fmt.Print(indent(out))

	// the ceilings in the same run: the plain COPY above, and a COPY that
	// writes what ccc writes (the class's columns: the input's, cast to
	// the slot types, and NULL for the slots the input lacks)
	stored := checkStored(in, store)
	schemaCopy := schemaCopyTime(in, stored, filepath.Join(dir, "copy-schema.parquet"))
	start := startTime(*bin)
	var rep struct {
		Seconds map[string]float64 `json:"seconds"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, "report.json")); err == nil {
		_ = json.Unmarshal(b, &rep)
	}
	fmt.Printf("\n%-44s %10s %14s\n", "", "seconds", "rows/s")
	fmt.Printf("%-44s %10.2f %14.0f\n", "plain DuckDB COPY (floor)", floor.Seconds(), float64(*rows)/floor.Seconds())
	fmt.Printf("%-44s %10.2f %14.0f\n", "DuckDB COPY of the class's columns (ceiling)", schemaCopy.Seconds(), float64(*rows)/schemaCopy.Seconds())
	fmt.Printf("%-44s %10.2f %14.0f\n", "ccc ingest (validate + commit)", took.Seconds(), float64(*rows)/took.Seconds())
	fmt.Printf("ccc ingest phases (report.json): %s; process start (ccc version) %.3f s\n", phases(rep.Seconds), start.Seconds())
	fmt.Printf("ratio ingest/COPY: %.2fx   COPY of the class's columns/COPY: %.2fx   ingest peak RSS: %.0f MB\n",
		took.Seconds()/floor.Seconds(), schemaCopy.Seconds()/floor.Seconds(), float64(rss)/1024)
	fmt.Printf("targets (issue 3, 10M rows): >= 2,000,000 rows/s, <= 3x COPY, < 1024 MB; issue 18: <= 1.2x COPY\n")
	if *jsonOut != "" {
		b, _ := json.Marshal(map[string]any{"rows": *rows, "input": in, "input_bytes": st.Size(), "copy_s": floor.Seconds(),
			"ingest_s": took.Seconds(), "ingest_rss_mb": float64(rss) / 1024, "schema_copy_s": schemaCopy.Seconds(),
			"phases_s": rep.Seconds, "start_s": start.Seconds()})
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			fail(err)
		}
	}
}

// checkStored asserts that the stored Synapse table holds the input: same
// row count and same sums of the id, root id and size columns.
// phases renders ccc ingest's own timings in their order.
func phases(s map[string]float64) string {
	var out []string
	for _, k := range []string{"map", "check", "references", "write", "commit"} {
		if v, ok := s[k]; ok {
			out = append(out, fmt.Sprintf("%s %.3f s", k, v))
		}
	}
	return strings.Join(out, ", ")
}

// schemaCopyTime times, in process, a COPY of the input that writes the
// stored table's columns and types (the class's slots: the input's
// columns cast, NULL for the others).
func schemaCopyTime(in, stored, out string) time.Duration {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		fail(err)
	}
	defer db.Close()
	have := map[string]bool{}
	rows, err := db.Query(fmt.Sprintf("SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('%s'))", in))
	if err != nil {
		fail(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		have[c] = true
	}
	rows.Close()
	rows, err = db.Query(fmt.Sprintf("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('%s'))", stored))
	if err != nil {
		fail(err)
	}
	var sel []string
	for rows.Next() {
		var c, t string
		rows.Scan(&c, &t)
		if have[c] {
			sel = append(sel, fmt.Sprintf("CAST(%q AS %s) AS %q", c, t, c))
		} else {
			sel = append(sel, fmt.Sprintf("NULL::%s AS %q", t, c))
		}
	}
	rows.Close()
	db.Close()
	db, _ = sql.Open("duckdb", "")
	t0 := time.Now()
	if _, err := db.Exec(fmt.Sprintf(`COPY (SELECT %s FROM read_parquet('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd)`, strings.Join(sel, ", "), in, out)); err != nil {
		fail(err)
	}
	return time.Since(t0)
}

// startTime is the best of five runs of 'ccc version' (the bare process start).
func startTime(bin string) time.Duration {
	best := time.Hour
	for range 5 {
		t0 := time.Now()
		run(exec.Command(bin, "version"))
		best = min(best, time.Since(t0))
	}
	return best
}

// checkStored asserts the stored table equal to the input and returns its path.
func checkStored(in, store string) string {
	var files []string
	filepath.WalkDir(store, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			files = append(files, "'"+p+"'")
		}
		return nil
	})
	if len(files) == 0 {
		fail(fmt.Errorf("no Parquet file in the store %s", store))
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		fail(err)
	}
	defer db.Close()
	const q = `SELECT count(*)::VARCHAR || ' ' || sum(id)::VARCHAR || ' ' || sum(pre_pt_root_id)::VARCHAR || ' ' || sum(post_pt_root_id)::VARCHAR || ' ' || sum(size)::VARCHAR FROM read_parquet([%s])`
	var want, got string
	if err := db.QueryRow(fmt.Sprintf(q, "'"+in+"'")).Scan(&want); err != nil {
		fail(err)
	}
	if err := db.QueryRow(fmt.Sprintf(q, strings.Join(files, ","))).Scan(&got); err != nil {
		fail(err)
	}
	if got != want {
		fail(fmt.Errorf("stored table differs from the input: count and sums %s, input %s", got, want))
	}
	fmt.Printf("stored table equals the input (count, sums of id, pre, post, size: %s)\n", got)
	return strings.Trim(files[0], "'")
}

func run(cmd *exec.Cmd) string {
	out, err := cmd.CombinedOutput()
	if err != nil {
		fail(fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out))
	}
	return string(out)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ingestbench:", err)
	os.Exit(1)
}
