// Command ingestbench measures 'ccc ingest' of N synthetic synapse rows
// from Parquet (with validation) against a plain DuckDB COPY of the same
// file, the floor, and a COPY writing the class's columns and types, the
// ceiling of any loader that stores the class's table, in the same run.
// The three are timed in turns, best of -repeat (the machine may be
// shared); it prints wall and CPU time, rows/s, the ratios, ccc's phases
// (from its report), what ccc spends beyond the class COPY, and the ingest
// process's peak RSS. Run it through bench/ingest.sh.
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
	"strconv"
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
	repeat := flag.Int("repeat", 3, "runs of each, in turns; the best is kept")
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
	db.Close()
	st, _ := os.Stat(in)
	fmt.Printf("input: %d synthetic synapse rows, %.1f MB Parquet (generated in %s)\n", *rows, float64(st.Size())/1e6, time.Since(t0).Round(time.Millisecond))

	// The floor (a plain COPY of the file), the ceiling (a COPY writing
	// the class's columns and types) and ccc ingest, in turns, each best
	// of -repeat. The COPYs run in process in a fresh database (its start
	// not timed); ccc is the whole process.
	store := filepath.Join(dir, "store")
	run(exec.Command(*bin, "--store", store, "init"))
	// ccc runs under GNU time, which forks it from a small process: a
	// child forked from this one would report this process's peak RSS
	// (its DuckDB COPYs) as its own (Linux keeps the high-water mark of
	// the memory it was forked from across exec). Wall and CPU are the
	// time process's, which include its child's.
	rssFile := filepath.Join(dir, "rss.txt")
	ingest := func() (timing, string) {
		cmd := exec.Command("/usr/bin/time", "-f", "%M", "-o", rssFile, *bin, "--store", store, "--quiet", "ingest", "--class", "Synapse", "--dataset", "bench", "--report", filepath.Join(dir, "report.json"), in)
		t0 := time.Now()
		out := run(cmd)
		wall := time.Since(t0)
		b, err := os.ReadFile(rssFile)
		if err != nil {
			fail(err)
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			fail(fmt.Errorf("peak RSS from /usr/bin/time: %q", b))
		}
		return timing{wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), kb}, out
	}
	var floor, ceiling, took timing
	var sel []string
	var rep report
	for i := range max(*repeat, 1) {
		floor = best(floor, copyTime(fmt.Sprintf(`COPY (SELECT * FROM read_parquet('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd)`, in, filepath.Join(dir, "copy.parquet"))))
		t, out := ingest()
		if i == 0 {
			fmt.Print(indent(out))
			// what ccc stored: the class's columns, checked equal to the input
			sel = classColumns(in, checkStored(in, store))
		}
		if t.wall < took.wall || took.wall == 0 {
			// the phases of the best run
			if b, err := os.ReadFile(filepath.Join(dir, "report.json")); err == nil {
				rep = report{}
				_ = json.Unmarshal(b, &rep)
			}
		}
		took = best(took, t)
		ceiling = best(ceiling, copyTime(fmt.Sprintf(`COPY (SELECT %s FROM read_parquet('%s')) TO '%s' (FORMAT parquet, COMPRESSION zstd)`, strings.Join(sel, ", "), in, filepath.Join(dir, "copy-schema.parquet"))))
	}
	start := startTime(*bin)
	ph := rep.Seconds
	fmt.Printf("\nbest of %d runs, in turns\n", max(*repeat, 1))
	fmt.Printf("%-46s %9s %9s %12s\n", "", "wall s", "CPU s", "rows/s")
	for _, r := range []struct {
		name string
		t    timing
	}{{"plain DuckDB COPY (floor)", floor}, {"DuckDB COPY of the class's columns (ceiling)", ceiling}, {"ccc ingest, whole process (check + commit)", took}} {
		fmt.Printf("%-46s %9.3f %9.3f %12.0f\n", r.name, r.t.wall.Seconds(), r.t.cpu.Seconds(), float64(*rows)/r.t.wall.Seconds())
	}
	fmt.Printf("ccc ingest phases (report.json): %s; process start (ccc version) %.3f s\n", phases(ph), start.Seconds())
	// beyond the ceiling: what the whole process spends that the class
	// COPY does not (the write pass includes the checks)
	beyond := took.wall - ceiling.wall
	fmt.Printf("ccc beyond the class COPY: %.1f ms = process start %.1f + write pass - class COPY %.1f + commit %.1f + the rest (schema, lock, DuckDB start, map, exit) %.1f\n",
		ms(beyond), ms(start), ph["write"]*1e3-ms(ceiling.wall), ph["commit"]*1e3,
		ms(beyond)-ms(start)-(ph["write"]*1e3-ms(ceiling.wall))-ph["commit"]*1e3)
	fmt.Printf("ratio ingest/COPY: %.2fx   class COPY/COPY: %.2fx (the ceiling)   ingest/class COPY: %.2fx   ingest peak RSS: %.0f MB\n",
		ratio(took, floor), ratio(ceiling, floor), ratio(took, ceiling), float64(took.rss)/1024)
	fmt.Printf("targets (issue 3, 10M rows): >= 2,000,000 rows/s, <= 3x COPY, < 1024 MB; issue 18: <= 1.2x COPY\n")
	if *jsonOut != "" {
		b, _ := json.Marshal(map[string]any{"rows": *rows, "input": in, "input_bytes": st.Size(), "copy_s": floor.wall.Seconds(), "copy_cpu_s": floor.cpu.Seconds(),
			"ingest_s": took.wall.Seconds(), "ingest_cpu_s": took.cpu.Seconds(), "ingest_rss_mb": float64(took.rss) / 1024,
			"schema_copy_s": ceiling.wall.Seconds(), "schema_copy_cpu_s": ceiling.cpu.Seconds(),
			"phases_s": ph, "start_s": start.Seconds(), "repeat": max(*repeat, 1)})
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			fail(err)
		}
	}
}

// timing is one measured run: wall and CPU time, peak RSS (KiB).
type timing struct {
	wall, cpu time.Duration
	rss       int64
}

// best keeps the faster run (by wall time).
func best(a, b timing) timing {
	if a.wall == 0 || b.wall < a.wall {
		return b
	}
	return a
}

func ratio(a, b timing) float64 { return a.wall.Seconds() / b.wall.Seconds() }

func ms(d time.Duration) float64 { return d.Seconds() * 1e3 }

// report is the part of ccc ingest's report the benchmark reads.
type report struct {
	Seconds map[string]float64 `json:"seconds"`
}

// cpuNow is the CPU time (user + system) of this process so far.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// copyTime runs a COPY in a fresh in-process database (its start and
// close not timed) and returns its wall and CPU time.
func copyTime(q string) timing {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		fail(err)
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		fail(err)
	}
	c0, t0 := cpuNow(), time.Now()
	if _, err := db.Exec(q); err != nil {
		fail(err)
	}
	return timing{wall: time.Since(t0), cpu: cpuNow() - c0}
}

// checkStored asserts that the stored Synapse table holds the input: same
// row count and same sums of the id, root id and size columns.
// phases renders ccc ingest's own timings in their order.
func phases(s map[string]float64) string {
	var out []string
	for _, k := range []string{"map", "check", "references", "write", "duplicates", "commit"} {
		if v, ok := s[k]; ok {
			out = append(out, fmt.Sprintf("%s %.3f s", k, v))
		}
	}
	if _, ok := s["duplicates"]; ok {
		out = append(out, "(checks inside the write pass, the duplicate-identifier pass alongside it)")
	}
	return strings.Join(out, ", ")
}

// classColumns returns the select list of a COPY of the input that
// writes the stored table's columns and types (the class's slots: the
// input's columns cast, NULL for the others).
func classColumns(in, stored string) []string {
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
	defer rows.Close()
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
	return sel
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
