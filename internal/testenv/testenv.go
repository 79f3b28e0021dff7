// Package testenv finds what tests need from outside the repository: the
// real data files in ../shared/data and the Python reference tools (and
// holds small helpers tests of several packages share). When
// something is missing a test is skipped locally but fails in CI (CI=true),
// where a missing file or tool is a broken install, not a reason to pass.
package testenv

import (
	"encoding/csv"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI.
func InCI() bool { return os.Getenv("CI") == "true" }

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// missing skips or fails the test.
func missing(t testing.TB, format string, a ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI: "+format, a...)
	}
	t.Skipf(format, a...)
}

// SharedData returns the absolute path of ../shared/data/<rel>.
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(RepoRoot(t), "..", "shared", "data", rel)
	if env := os.Getenv("CCC_SHARED_DATA"); env != "" {
		p = filepath.Join(env, rel)
	}
	if _, err := os.Stat(p); err != nil {
		missing(t, "shared data file %s missing: %v", rel, err)
	}
	return p
}

// Python returns the python3 executable after checking that the given
// modules import.
func Python(t testing.TB, modules ...string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		missing(t, "python3 not found")
		return ""
	}
	if len(modules) > 0 {
		code := "import " + strings.Join(modules, ", ")
		if out, err := exec.Command(py, "-c", code).CombinedOutput(); err != nil {
			missing(t, "python modules %v not importable: %v\n%s", modules, err, out)
		}
	}
	return py
}

// Tool returns the path of an executable (e.g. linkml-validate).
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "tool %s not found", name)
	}
	return p
}

// SparkRemote returns the address of a Spark Connect server for the Spark
// engine's tests: $CCC_SPARK_REMOTE, else sc://127.0.0.1:15002 (what
// scripts/spark.sh start runs). It skips locally and fails in CI when no
// server accepts a connection there.
func SparkRemote(t testing.TB) string {
	t.Helper()
	remote := os.Getenv("CCC_SPARK_REMOTE")
	if remote == "" {
		remote = "sc://127.0.0.1:15002"
	}
	hp := strings.TrimPrefix(remote, "sc://")
	if i := strings.IndexAny(hp, "/;"); i >= 0 {
		hp = hp[:i]
	}
	conn, err := net.DialTimeout("tcp", hp, 3*time.Second)
	if err != nil {
		missing(t, "no Spark Connect server at %s (start one with scripts/spark.sh start): %v", remote, err)
		return ""
	}
	conn.Close()
	return remote
}

// CSVColumn returns column col of a CSV text (header first), in order.
func CSVColumn(t testing.TB, text, col string) []string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("bad CSV %q: %v", text, err)
	}
	k := slices.Index(recs[0], col)
	if k < 0 {
		t.Fatalf("no column %s in %v", col, recs[0])
	}
	var out []string
	for _, r := range recs[1:] {
		out = append(out, r[k])
	}
	return out
}
