package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/internal/cli"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// asCCC makes the test binary act as ccc when it is run with this
// variable: the tests run ccc as a subprocess, so that a crash is seen as
// an outcome rather than killing the test binary.
const asCCC = "CCC_TEST_AS_CCC"

func TestMain(m *testing.M) {
	if os.Getenv(asCCC) == "1" {
		os.Exit(cli.Main())
	}
	os.Exit(m.Run())
}

// outcome is one run of ccc as a subprocess.
type outcome struct {
	code           int
	stdout, stderr string
	timedOut       bool
}

func runCCC(t testing.TB, args ...string) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), asCCC+"=1", "CCC_NO_ISOLATION=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	o := outcome{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String(), timedOut: ctx.Err() != nil}
	if err != nil && o.code < 0 && !o.timedOut {
		o.code = -1 // killed by a signal
	}
	return o
}

// crashed reports why an outcome is not "success or a clean error": a
// signal, a Go crash dump, an internal error, or stderr not made of ccc's
// own one-line messages.
func (o outcome) crashed() string {
	switch {
	case o.timedOut:
		return "timed out"
	case o.code < 0:
		return "killed by a signal"
	case o.code != 0 && o.code != 1 && o.code != 2:
		return fmt.Sprintf("exit code %d", o.code)
	}
	if strings.Contains(o.stderr, "internal error") {
		return "internal error (a Go panic in the reader)"
	}
	for _, line := range strings.Split(o.stderr, "\n") {
		for _, m := range []string{"goroutine ", "SIG", "panic:", "fatal error:", "[signal", "runtime."} {
			if strings.HasPrefix(line, m) {
				return "crash dump on stderr: " + line
			}
		}
	}
	if o.code != 0 && !strings.HasPrefix(o.stderr, "ccc: ") {
		return "error without ccc's message"
	}
	return ""
}

// damage returns variant i of data: bit flips (anywhere, or in the first
// 8 KiB where the superblock and root object headers live) or a
// truncation, chosen by the seed i.
func damage(data []byte, i int) ([]byte, string) {
	r := rand.New(rand.NewSource(int64(i)))
	b := append([]byte(nil), data...)
	switch i % 4 {
	case 3:
		n := r.Intn(len(b))
		return b[:n], fmt.Sprintf("truncated to %d", n)
	case 1:
		k := 1 + r.Intn(8)
		for j := 0; j < k; j++ {
			b[r.Intn(min(len(b), 8192))] ^= 1 << r.Intn(8)
		}
		return b, fmt.Sprintf("%d flips in the head", k)
	default:
		k := 1 + r.Intn(16)
		for j := 0; j < k; j++ {
			b[r.Intn(len(b))] ^= 1 << r.Intn(8)
		}
		return b, fmt.Sprintf("%d flips", k)
	}
}

// TestDamagedNWB bit-flips and truncates the real NWB files (deterministic
// seeds) and runs nwb info, table, series and ingest on every variant:
// each outcome is success or a clean error, never a crash.
func TestDamagedNWB(t *testing.T) {
	variants := 40
	if testing.Short() {
		variants = 12
	}
	files := []struct{ name, table, series string }{
		{"nwb/aibs.nwb", "/units", "/acquisition/raw_running_wheel_rotation"},
		{"nwb/aibs_ecephys.nwb", "/general/extracellular_ephys/electrodes", "/acquisition/probe_769322820_lfp/probe_769322820_lfp_data"},
	}
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	if o := runCCC(t, "--store", store, "init"); o.code != 0 {
		t.Fatalf("init: %+v", o)
	}
	crashes, clean, ok, isolated := 0, 0, 0, 0
	for _, f := range files {
		data, err := os.ReadFile(testenv.SharedData(t, f.name))
		if err != nil {
			t.Fatal(err)
		}
		ingestDir := filepath.Join(dir, "ingest-"+filepath.Base(f.name))
		os.Mkdir(ingestDir, 0o755)
		for i := 0; i < variants; i++ {
			b, what := damage(data, i)
			p := filepath.Join(ingestDir, fmt.Sprintf("v%03d.nwb", i))
			os.WriteFile(p, b, 0o644)
			for _, args := range [][]string{
				{"nwb", "info", p},
				{"nwb", "table", p, f.table},
				{"nwb", "series", p, f.series},
			} {
				o := runCCC(t, args...)
				if why := o.crashed(); why != "" {
					crashes++
					t.Errorf("%s seed %d (%s): %v: %s (exit %d)\n%s", f.name, i, what, args[:2], why, o.code, firstLines(o.stderr, 6))
				} else if o.code == 0 {
					ok++
				} else {
					clean++
					if strings.Contains(o.stderr, "the HDF5 library crashed") {
						isolated++
					}
				}
			}
		}
		// one ingest of the whole directory: bad files are reported and
		// skipped, the store stays usable
		o := runCCC(t, "--store", store, "-q", "nwb", "ingest", ingestDir, "--dataset", "d"+fmt.Sprint(len(f.name)))
		if why := o.crashed(); why != "" {
			t.Errorf("ingest %s: %s (exit %d)\n%s", ingestDir, why, o.code, firstLines(o.stderr, 10))
		}
		if o.code != 0 && !strings.Contains(o.stderr, "ccc: skipped") && !strings.Contains(o.stderr, "ccc: read nwb") && !strings.Contains(o.stderr, "ccc: ") {
			t.Errorf("ingest %s: exit %d without a report:\n%s", ingestDir, o.code, firstLines(o.stderr, 10))
		}
	}
	t.Logf("%d runs succeeded, %d gave clean errors (%d of them a libhdf5 crash caught in the child process), %d crashed", ok, clean, isolated, crashes)
	if clean == 0 {
		t.Error("no damaged variant was refused: the damage does not reach the reader")
	}
	if o := runCCC(t, "--store", store, "check"); o.crashed() != "" || o.code != 0 {
		t.Errorf("store after ingests: %+v", o)
	}
}

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	return strings.Join(l[:min(n, len(l))], "\n")
}

// FuzzNWBInfo runs 'ccc nwb info' (as a subprocess, reading in its child
// process) on mutations of a real NWB file: success or a clean error,
// never a crash dump.
func FuzzNWBInfo(f *testing.F) {
	p := filepath.Join(testenv.RepoRoot(f), "..", "shared", "data", "nwb", "aibs_ecephys.nwb")
	if data, err := os.ReadFile(p); err == nil {
		f.Add(data)
		for i := 0; i < 8; i++ {
			b, _ := damage(data, i)
			f.Add(b)
		}
	}
	f.Add([]byte("\x89HDF\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q := filepath.Join(t.TempDir(), "f.nwb")
		os.WriteFile(q, data, 0o644)
		o := runCCC(t, "nwb", "info", q)
		if why := o.crashed(); why != "" {
			t.Fatalf("%s (exit %d)\n%s", why, o.code, firstLines(o.stderr, 10))
		}
	})
}

// TestReaderTimeout: a reader process that does not finish in time
// (libhdf5 can loop forever on a damaged file; formats/hdf5 keeps such an
// input under testdata/fuzz/FuzzOpen) is killed, and the command exits 2
// naming the file and the limit; a malformed limit is a usage error.
func TestReaderTimeout(t *testing.T) {
	file := testenv.SharedData(t, "nwb/aibs.nwb")
	t.Setenv("CCC_READ_TIMEOUT", "1ms")
	o := runCCC(t, "nwb", "info", file)
	if o.code != 2 || !strings.Contains(o.stderr, "reading this file did not finish in 1ms") || !strings.Contains(o.stderr, file) {
		t.Fatalf("with a 1ms limit: %+v", o)
	}
	t.Setenv("CCC_READ_TIMEOUT", "soon")
	if o := runCCC(t, "nwb", "info", file); o.code != 2 || !strings.Contains(o.stderr, `CCC_READ_TIMEOUT="soon": want a duration`) {
		t.Fatalf("malformed limit: %+v", o)
	}
	t.Setenv("CCC_READ_TIMEOUT", "0")
	if o := runCCC(t, "nwb", "info", file); o.code != 0 {
		t.Fatalf("no limit: %+v", o)
	}
}
