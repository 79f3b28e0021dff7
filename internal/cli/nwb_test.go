package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/nwb"
)

func runNWBCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }})
	return code, out.String(), errOut.String()
}

func TestNWBCommands(t *testing.T) {
	dir := t.TempDir()
	syn := filepath.Join(dir, "syn.nwb")
	if err := nwb.WriteSynthetic(syn, nwb.SynthOptions{Electrodes: 6, Samples: 40, Units: 3, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.nwb")
	os.WriteFile(bad, []byte("nope"), 0o644)

	code, out, errOut := runNWBCmd(t, "nwb", "info", syn)
	if code != 0 || !strings.Contains(out, "synthetic-0001") || !strings.Contains(out, "/units") || !strings.Contains(out, "ElectricalSeries") {
		t.Fatalf("info: %d %s %s", code, out, errOut)
	}
	code, out, _ = runNWBCmd(t, "nwb", "table", syn, "/general/extracellular_ephys/electrodes", "--columns", "location,x")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 7 || lines[0] != "id,location,x" || !strings.HasPrefix(lines[1], "0,VISp1,4000") {
		t.Fatalf("table: %d %q", code, lines)
	}
	pq := filepath.Join(dir, "units.parquet")
	if code, _, errOut = runNWBCmd(t, "nwb", "table", syn, "/units", "--out", pq); code != 0 {
		t.Fatalf("parquet: %s", errOut)
	}
	if b, _ := os.ReadFile(pq); !bytes.HasPrefix(b, []byte("PAR1")) {
		t.Fatal("not parquet")
	}
	code, out, _ = runNWBCmd(t, "nwb", "series", syn, "/acquisition/ElectricalSeries", "--count", "2", "--channels", "0:2")
	if code != 0 || !strings.Contains(out, "int16 [40 6]") || !strings.Contains(out, "rate 30000 Hz") {
		t.Fatalf("series: %s", out)
	}
	if code, _, errOut = runNWBCmd(t, "nwb", "info", bad); code != 2 || !strings.Contains(errOut, "bad.nwb") || !strings.Contains(errOut, "not an HDF5 file") {
		t.Fatalf("bad: %d %s", code, errOut)
	}
	if code, _, errOut = runNWBCmd(t, "nwb", "table", syn, "/general"); code != 2 || !strings.Contains(errOut, "not a DynamicTable") {
		t.Fatalf("not a table: %d %s", code, errOut)
	}
	if code, _, errOut = runNWBCmd(t, "nwb", "schema", syn); code != 2 || !strings.Contains(errOut, "caches no specifications") {
		t.Fatalf("schema without specs: %d %s", code, errOut)
	}

	// ingest a directory holding one good and one bad file
	store := filepath.Join(dir, "store")
	if code, _, errOut = runNWBCmd(t, "init", store); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	code, out, errOut = runNWBCmd(t, "--store", store, "-q", "nwb", "ingest", dir, "--dataset", "demo")
	if code != 1 || !strings.Contains(errOut, "bad.nwb") || !strings.Contains(out, "6 electrodes, 3 units") || !strings.Contains(out, "version") {
		t.Fatalf("ingest: %d\n%s\n%s", code, out, errOut)
	}
}

func TestNWBSchemaRealFile(t *testing.T) {
	p := testenv.SharedData(t, "nwb/aibs_ecephys.nwb")
	code, out, errOut := runNWBCmd(t, "nwb", "schema", p, "--namespace", "ndx-aibs-ecephys")
	if code != 0 || !strings.Contains(out, "  EcephysProbe:\n") || !strings.Contains(out, "is_a: Device") {
		t.Fatalf("schema: %d %s", code, errOut)
	}
	code, out, _ = runNWBCmd(t, "nwb", "info", p, "--tree")
	if code != 0 || !strings.Contains(out, "data float32 (10, 87) chunks (47320, 1)") || !strings.Contains(out, "ndx-aibs-ecephys 0.2.0") {
		t.Fatalf("info: %s", out)
	}
}

func TestNWBBadInputExitCodes(t *testing.T) {
	dir := t.TempDir()
	syn := filepath.Join(dir, "syn.nwb")
	if err := nwb.WriteSynthetic(syn, nwb.SynthOptions{Electrodes: 4, Samples: 10, Units: 2}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(syn)
	trunc := filepath.Join(dir, "trunc.nwb")
	os.WriteFile(trunc, b[:len(b)/2], 0o644)
	text := filepath.Join(dir, "text.nwb")
	os.WriteFile(text, []byte("hello"), 0o644)
	plain := filepath.Join(dir, "plain.h5")
	h, _ := hdf5.Create(plain)
	h.WriteDataset("/x", []int64{1}, []int{1}, nil)
	h.Close()
	ext := filepath.Join(dir, "ext.nwb")
	os.WriteFile(ext, b, 0o644)
	h, err := hdf5.OpenRW(ext)
	if err != nil {
		t.Fatal(err)
	}
	h.CreateGroup("/processing/mod")
	h.SetAttr("/processing/mod", "namespace", "ndx-unknown")
	h.SetAttr("/processing/mod", "neurodata_type", "Mystery")
	h.Close()
	for _, c := range []struct {
		name, path, want string
	}{
		{"not hdf5", text, "not an HDF5 file"},
		{"truncated", trunc, "truncated or corrupt"},
		{"not nwb", plain, "plain.h5:/: HDF5 file is not NWB"},
		{"unknown type", ext, "ext.nwb:/processing/mod: neurodata_type \"Mystery\" of namespace \"ndx-unknown\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runNWBCmd(t, "nwb", "info", c.path)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d: %s", code, errOut)
			}
		})
	}
}

// TestNWBIngestAppendFlag: --append adds a session to the dataset, a session
// it already holds exits 1 with the version unchanged, and the default
// replaces the dataset's sessions.
func TestNWBIngestAppendFlag(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for i, id := range []string{"sess-a", "sess-b"} {
		p := filepath.Join(dir, id+".nwb")
		if err := nwb.WriteSynthetic(p, nwb.SynthOptions{Electrodes: 4 + i, Samples: 10, Units: 2, Identifier: id}); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	st := filepath.Join(dir, "store")
	if code, _, e := runNWBCmd(t, "init", st); code != 0 {
		t.Fatalf("init: %s", e)
	}
	sites := func() string {
		_, out, _ := runNWBCmd(t, "--store", st, "query", "--format", "csv", "SELECT count(*) AS n, count(DISTINCT data_item) AS sessions FROM RecordingSite")
		return strings.TrimSpace(out)
	}
	for _, c := range []struct {
		name  string
		args  []string
		code  int
		sites string
	}{
		{"first", []string{files[0]}, 0, "n,sessions\n4,1"},
		{"append", []string{files[1], "--append"}, 0, "n,sessions\n9,2"},
		{"append again", []string{files[1], "--append"}, 1, "n,sessions\n9,2"},
		{"replace", []string{files[1]}, 0, "n,sessions\n5,1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--store", st, "nwb", "ingest", "--dataset", "e"}, c.args...)
			code, _, errOut := runNWBCmd(t, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			if c.code == 1 && !strings.Contains(errOut, "dataset e already holds session sess-b (version 2)") {
				t.Errorf("error %q", errOut)
			}
			if got := sites(); got != c.sites {
				t.Errorf("RecordingSite %q, want %q", got, c.sites)
			}
		})
	}
}
