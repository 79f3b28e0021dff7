package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/store"
)

// emMappingStore extends cellsStore with the EM types taxonomy (em-types),
// the EM nuclei as dataset em (cell_type -> em-types) and the EM -> WMB
// crosswalk as mapping set em-to-wmb.
func emMappingStore(t *testing.T) (string, string) {
	t.Helper()
	st, syn := cellsStore(t, "200")
	for _, args := range [][]string{
		{"taxonomy", "load", "--name", "em-types", filepath.Join(syn, "em_types.csv")},
		{"cells", "ingest", "--dataset", "em", "--modality", "EM", "--id-col", "nucleus_id", "--taxonomy", "em-types", "--cluster-col", "cell_type", filepath.Join(syn, "em_cells.csv")},
		{"mappings", "ingest", "--kind", "cluster-cluster", "--set", "em-to-wmb", "--source-taxonomy", "em-types", "--target-taxonomy", "wmb-synth",
			"--algorithm", "expert crosswalk", filepath.Join(syn, "em_crosswalk.csv")},
	} {
		code, out, e := runCLI(t, nil, append([]string{"--store", st}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s %s", args, code, out, e)
		}
	}
	return st, syn
}

// TestMappingsCompose: EM nuclei -> EM type -> WMB subclass equals the
// same chain computed in plain Go from the synthetic CSVs (score = the
// crosswalk score, the cells having none; max over duplicate paths).
func TestMappingsCompose(t *testing.T) {
	st, syn := emMappingStore(t)
	out := filepath.Join(t.TempDir(), "composed.csv")
	code, stdout, e := runCLI(t, nil, "--store", st, "mappings", "compose", "--cells", "em", "--via", "em-to-wmb", "--save", "em-wmb", "--out", out)
	if code != 0 {
		t.Fatalf("compose: %d %s %s", code, stdout, e)
	}
	cross := map[string]map[string]float64{}
	for _, r := range readCSVFile(t, filepath.Join(syn, "em_crosswalk.csv"))[1:] {
		if cross[r[0]] == nil {
			cross[r[0]] = map[string]float64{}
		}
		s, _ := strconv.ParseFloat(r[2], 64)
		if s > cross[r[0]][r[1]] {
			cross[r[0]][r[1]] = s
		}
	}
	var want []string
	cells := readCSVFile(t, filepath.Join(syn, "em_cells.csv"))[1:]
	for _, r := range cells {
		for sub, s := range cross[r[4]] {
			want = append(want, fmt.Sprintf("%s,%s,%g,%s", r[0], sub, s, r[4]))
		}
	}
	var got []string
	for _, r := range readCSVFile(t, out)[1:] {
		got = append(got, strings.Join(r, ","))
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") || len(want) <= len(cells) {
		t.Errorf("composed %d rows, want %d\n%.600s\nvs\n%.600s", len(got), len(want), strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(stdout, fmt.Sprintf("200 cells of em (taxonomy em-types): 200 reached wmb-synth through em-to-wmb (%d mappings), 0 unresolved", len(want))) {
		t.Errorf("report: %s", stdout)
	}
	code, stdout, _ = runCLI(t, nil, "--store", st, "mappings", "show")
	if code != 0 || !strings.Contains(stdout, "em-to-wmb") || !strings.Contains(stdout, "em-wmb") || !strings.Contains(stdout, fmt.Sprintf("em -> wmb-synth  %d rows, 0 unresolved", len(want))) {
		t.Errorf("show: %s", stdout)
	}
	v := validateStoreTables(t, st)
	for _, k := range []string{"em-to-wmb/ClusterToClusterMapping", "em-to-wmb/MappingSet", "em-to-wmb/AlgorithmRun", "em-wmb/CellToClusterMapping", "em-wmb/MappingSet", "em/CellMetadata"} {
		if _, ok := v[k]; !ok {
			t.Errorf("%s missing or invalid", k)
		}
	}
	// a crosswalk row whose source is not in the cells' taxonomy leaves
	// those cells unresolved, counted
	partial := filepath.Join(t.TempDir(), "partial.csv")
	os.WriteFile(partial, []byte("source_cluster,target_cluster,score\n23P,CS20230722_SUBC_0001,0.5\n"), 0o644)
	if code, o, e := runCLI(t, nil, "--store", st, "mappings", "ingest", "--kind", "cluster-cluster", "--set", "only23p", "--source-taxonomy", "em-types", "--target-taxonomy", "wmb-synth", partial); code != 0 {
		t.Fatalf("%s %s", o, e)
	}
	n23 := 0
	for _, r := range cells {
		if r[4] == "23P" {
			n23++
		}
	}
	code, stdout, _ = runCLI(t, nil, "--store", st, "mappings", "compose", "--cells", "em", "--via", "only23p")
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("%d reached wmb-synth through only23p (%d mappings), %d unresolved", n23, n23, 200-n23)) {
		t.Errorf("partial: %s", stdout)
	}
}

// TestMappingsUnresolved: unknown cells or clusters exit 1 naming the row
// and column with the store unchanged; --allow-unresolved counts them.
func TestMappingsUnresolved(t *testing.T) {
	st, _ := emMappingStore(t)
	s, _ := store.Open(st)
	before, _ := s.Latest()
	s.Close()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("source_cell,target_cluster,score\n100000,CS20230722_SUBC_0001,0.9\n999,CS20230722_SUBC_0001,0.9\n100001,NOPE,0.5\n"), 0o644)
	args := []string{"--store", st, "mappings", "ingest", "--kind", "cell-cluster", "--set", "patch", "--source-dataset", "em", "--target-taxonomy", "wmb-synth", bad}
	code, _, e := runCLI(t, nil, args...)
	if code != 1 || !strings.Contains(e, "bad.csv: row 1: field source_cell: unknown source (not in dataset em)") || !strings.Contains(e, "2 unresolved rows: 999 (row 1, source_cell), NOPE (row 2, target_cluster)") {
		t.Errorf("exit %d: %s", code, e)
	}
	s, _ = store.Open(st)
	if v, _ := s.Latest(); v != before {
		t.Errorf("store moved from %d to %d", before, v)
	}
	s.Close()
	code, out, e := runCLI(t, nil, append(args[:len(args)-1], "--allow-unresolved", bad)...)
	if code != 0 || !strings.Contains(out, "mapping set patch (cell-cluster): 3 rows, 1 stored, 2 unresolved") {
		t.Errorf("allow: %d %s %s", code, out, e)
	}
	code, out, _ = runCLI(t, nil, "--store", st, "mappings", "show", "patch")
	if code != 0 || out != "score,source_cell,target_cluster\n0.9,100000,CS20230722_SUBC_0001\n" {
		t.Errorf("show patch: %q", out)
	}
	code, _, e = runCLI(t, nil, "--store", st, "mappings", "ingest", "--kind", "cell-cluster", "--set", "x", "--target-taxonomy", "wmb-synth", bad)
	if code != 2 || !strings.Contains(e, "need --source-dataset") {
		t.Errorf("missing flag: %d %s", code, e)
	}
	code, _, e = runCLI(t, nil, "--store", st, "mappings", "ingest", "--kind", "cell-cluster", "--set", "x", "--source-dataset", "em", "--target-dataset", "em", "--target-taxonomy", "wmb-synth", bad)
	if code != 2 || !strings.Contains(e, "are clusters: give --target-taxonomy, not --target-dataset") {
		t.Errorf("extra flag: %d %s", code, e)
	}
}
