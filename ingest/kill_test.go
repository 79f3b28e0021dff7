package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildCCC builds the ccc binary (once per test run) for subprocess tests.
func buildCCC(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the ccc binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ccc-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "ccc")
		cmd := exec.Command("go", "build", "-o", builtBin, "./cmd/ccc")
		cmd.Dir = testenv.RepoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func cccCmd(bin, st string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, append([]string{"--store", st, "--quiet"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

func writeSynapseParquet(t testing.TB, path string, n int) {
	t.Helper()
	db, _ := sql.Open("duckdb", "")
	defer db.Close()
	_, err := db.Exec(fmt.Sprintf(`COPY (SELECT range AS id, 864691135000000000 + range %% 100003 AS pre_pt_root_id,
		864691136000000000 + range %% 99991 AS post_pt_root_id, (range * 7) %% 5000 AS size,
		(range %% 400000)::DOUBLE * 4 AS ctr_pt_position_x, (range %% 300000)::DOUBLE * 4 AS ctr_pt_position_y, (range %% 20000)::DOUBLE * 40 AS ctr_pt_position_z
		FROM range(%d)) TO %s (FORMAT parquet)`, n, store.QuoteString(path)))
	if err != nil {
		t.Fatal(err)
	}
}

// snapshotOf returns rows and sha256 of dataset/class at version v.
func tableAt(t *testing.T, stDir string, v int, dataset, class string) store.TableInfo {
	t.Helper()
	s, err := store.Open(stDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sn, err := s.Snapshot(store.Ref{Version: v})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := sn.Table(dataset, class)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func checkClean(t *testing.T, bin, st string) string {
	t.Helper()
	out, err := cccCmd(bin, st, nil, "check").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "verified: OK") {
		t.Fatalf("ccc check after kill: %v\n%s", err, out)
	}
	return string(out)
}

func latestVersion(t *testing.T, st string) int {
	s, err := store.Open(st)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, _ := s.Latest()
	return n
}

// TestKillDuringIngest SIGKILLs real ingest processes (mid-load, and at
// each stage of the commit) and checks that the store stays exactly as it
// was: ccc check clean, the previous version unchanged, the next writer
// unaffected.
func TestKillDuringIngest(t *testing.T) {
	bin := buildCCC(t)
	dir := t.TempDir()
	st := filepath.Join(dir, "store")
	if out, err := cccCmd(bin, st, nil, "init").CombinedOutput(); err != nil {
		t.Fatalf("init: %v %s", err, out)
	}
	small := filepath.Join(dir, "small.parquet")
	writeSynapseParquet(t, small, 5000)
	if out, err := cccCmd(bin, st, nil, "ingest", "--class", "Synapse", "--dataset", "syn", small).CombinedOutput(); err != nil {
		t.Fatalf("ingest v1: %v %s", err, out)
	}
	before := tableAt(t, st, 1, "syn", "Synapse")
	exportV1 := func() []byte {
		out, err := cccCmd(bin, st, nil, "export", "--class", "Synapse", "--dataset", "syn", "--version", "1", "--format", "csv", "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	csvV1 := exportV1()

	// 1. Kill in the middle of a large ingest.
	rows := 2000000
	if v := os.Getenv("CCC_KILL_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	big := filepath.Join(dir, "big.parquet")
	writeSynapseParquet(t, big, rows)
	cmd := cccCmd(bin, st, nil, "ingest", "--class", "Synapse", "--dataset", "syn", big)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill while the staged table is being written (checks done, nothing
	// committed yet).
	deadline := time.Now().Add(60 * time.Second)
	for {
		ms, _ := filepath.Glob(filepath.Join(st, "tmp", "*", "tables", "Synapse.parquet"))
		if len(ms) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("ingest was not killed mid-way (finished first? %v) %s", err, stderr.String())
	}
	out := checkClean(t, bin, st)
	if !strings.Contains(out, "leftover") {
		t.Logf("check after kill (no leftovers reported):\n%s", out)
	}
	if n := latestVersion(t, st); n != 1 {
		t.Fatalf("kill mid-ingest published version %d", n)
	}
	after := tableAt(t, st, 1, "syn", "Synapse")
	if after.SHA256 != before.SHA256 || after.Rows != 5000 {
		t.Fatalf("version 1 changed: %+v vs %+v", after, before)
	}
	if !bytes.Equal(exportV1(), csvV1) {
		t.Fatal("version 1 reads back differently after the kill")
	}

	// 2. Kill at each stage of the commit.
	for _, stage := range []string{"staged", "moved", "published"} {
		t.Run(stage, func(t *testing.T) {
			v0 := latestVersion(t, st)
			cmd := cccCmd(bin, st, []string{"CCC_TEST_KILL_AT=" + stage}, "ingest", "--class", "Synapse", "--dataset", "syn", "--upsert", small)
			err := cmd.Run()
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("not killed at %s: %v", stage, err)
			}
			checkClean(t, bin, st)
			want := v0
			if stage == "published" {
				want = v0 + 1 // the manifest was published: the version is complete
			}
			if n := latestVersion(t, st); n != want {
				t.Fatalf("after kill at %s: latest %d, want %d", stage, n, want)
			}
			if tb := tableAt(t, st, 1, "syn", "Synapse"); tb.SHA256 != before.SHA256 {
				t.Fatal("version 1 changed")
			}
		})
	}

	// 3. The next writer works; gc removes what the killed ones left.
	if out, err := cccCmd(bin, st, nil, "ingest", "--class", "Synapse", "--dataset", "syn", "--append", "--lenient", filepath.Join(dir, "none.parquet")).CombinedOutput(); err == nil {
		t.Fatalf("ingest of a missing file succeeded: %s", out)
	}
	if out, err := cccCmd(bin, st, nil, "ingest", "--class", "Synapse", "--dataset", "syn2", small).CombinedOutput(); err != nil {
		t.Fatalf("ingest after kills: %v %s", err, out)
	}
	if out, err := cccCmd(bin, st, nil, "gc").CombinedOutput(); err != nil {
		t.Fatalf("gc: %v %s", err, out)
	}
	out = checkClean(t, bin, st)
	if strings.Contains(out, "note:") {
		t.Fatalf("leftovers after gc:\n%s", out)
	}
	s, _ := store.Open(st)
	defer s.Close()
	db, _ := s.DB(context.Background(), store.Ref{})
	defer db.Close()
	var n int64
	db.QueryRow("SELECT count(*) FROM Synapse").Scan(&n)
	if n != 10000 {
		t.Fatalf("rows after recovery: %d", n)
	}
}

// TestConcurrentIngestProcesses runs two ccc processes against one store:
// while one ingests, a second fails with exit 3 naming the holder, and a
// third with --wait commits after it; nothing is lost.
func TestConcurrentIngestProcesses(t *testing.T) {
	bin := buildCCC(t)
	dir := t.TempDir()
	st := filepath.Join(dir, "store")
	if out, err := cccCmd(bin, st, nil, "init").CombinedOutput(); err != nil {
		t.Fatalf("init: %v %s", err, out)
	}
	big := filepath.Join(dir, "big.parquet")
	writeSynapseParquet(t, big, 2000000)
	small := filepath.Join(dir, "small.parquet")
	writeSynapseParquet(t, small, 1000)

	first := cccCmd(bin, st, nil, "ingest", "--class", "Synapse", "--dataset", "big", big)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ms, _ := filepath.Glob(filepath.Join(st, "tmp", "*", "work"))
		if len(ms) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	second := cccCmd(bin, st, nil, "ingest", "--class", "Synapse", "--dataset", "small", small)
	out, err := second.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || !strings.Contains(string(out), fmt.Sprintf("pid %d", first.Process.Pid)) {
		t.Fatalf("second writer: %v\n%s", err, out)
	}
	third := cccCmd(bin, st, nil, "ingest", "--class", "Synapse", "--dataset", "small", "--wait", "2m", small)
	if out, err := third.CombinedOutput(); err != nil {
		t.Fatalf("waiting writer: %v\n%s", err, out)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first writer: %v", err)
	}
	s, _ := store.Open(st)
	defer s.Close()
	vs, _ := s.Versions("")
	if len(vs) != 2 || vs[0].Dataset != "big" || vs[1].Dataset != "small" {
		t.Fatalf("versions: %d", len(vs))
	}
	sn, _ := s.Snapshot(store.Ref{})
	b, _ := sn.Table("big", "Synapse")
	sm, _ := sn.Table("small", "Synapse")
	if b.Rows != 2000000 || sm.Rows != 1000 {
		t.Fatalf("rows big=%d small=%d", b.Rows, sm.Rows)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}
