package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// TestPySparkReaders reads a store version with python/ccc/spark.py in a
// local PySpark session and checks its views against ccc query.
func TestPySparkReaders(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a local Spark session")
	}
	py := testenv.Python(t, "pyspark", "pandas")
	dir := filepath.Join(t.TempDir(), "st")
	a, b := filepath.Join(t.TempDir(), "a.csv"), filepath.Join(t.TempDir(), "b.csv")
	ingestTestSynapseCSV(t, a, 500, -1)
	ingestTestSynapseCSV(t, b, 300, -1)
	for _, args := range [][]string{{"--store", dir, "init"}, {"--store", dir, "synapses", "ingest", "--dataset", "a", a},
		{"--store", dir, "synapses", "ingest", "--dataset", "b", b}} {
		if code, out, e := runCLI(t, nil, args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, e)
		}
	}
	q := "SELECT dataset, count(*) AS n, count(DISTINCT pre_pt_root_id) AS pre, max(id) AS m FROM Synapse GROUP BY dataset ORDER BY dataset"
	_, want, _ := runCLI(t, nil, "--store", dir, "query", "--format", "csv", "--sql", q)
	_, wantV1, _ := runCLI(t, nil, "--store", dir, "query", "--version", "1", "--format", "csv", "--sql", q)
	script := `
import sys
sys.path.insert(0, sys.argv[1])
from pyspark.sql import SparkSession
import ccc.spark
spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "2").getOrCreate())
q = sys.argv[3]
t = ccc.spark.tables(spark, sys.argv[2])
print("classes", ",".join(sorted(t)), "latest", ccc.spark.latest_version(spark, sys.argv[2]))
print(spark.sql(q).toPandas().to_csv(index=False), end="")
ccc.spark.tables(spark, "file://" + sys.argv[2], version=1)
print(spark.sql(q).toPandas().to_csv(index=False), end="")
spark.stop()
`
	cmd := exec.Command(py, "-c", script, filepath.Join(testenv.RepoRoot(t), "python"), dir, q)
	cmd.Env = append(os.Environ(), "PYSPARK_PYTHON="+py)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pyspark: %v\n%s", err, out)
	}
	// stdout only holds our prints; Spark logs go to stderr but
	// CombinedOutput mixes them, so look for each block
	got := string(out)
	if !strings.Contains(want, "a,500,") || !strings.Contains(want, "b,300,") || strings.Contains(wantV1, "b,300") {
		t.Fatalf("ccc query gave\n%s\nversion 1:\n%s", want, wantV1)
	}
	for _, w := range []string{"classes Synapse latest 2\n", want, wantV1} {
		if !strings.Contains(got, w) {
			t.Errorf("pyspark output lacks %q:\n%s", w, got)
		}
	}
}
