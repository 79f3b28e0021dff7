package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// runCCC runs one command line and returns stdout, stderr and the exit code.
func runAtlasCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }})
	return out.String(), errOut.String(), code
}

// atlasStore makes a store with the CCF 2017 ontology loaded.
func atlasStore(t *testing.T) string {
	t.Helper()
	csv := testenv.SharedData(t, atlas.DefaultOntologyFile)
	dir := filepath.Join(t.TempDir(), "store")
	if _, e, code := runAtlasCmd(t, "init", dir); code != 0 {
		t.Fatalf("init: %s", e)
	}
	if _, e, code := runAtlasCmd(t, "--store", dir, "atlas", "load", csv); code != 0 {
		t.Fatalf("atlas load: %s", e)
	} else if !strings.Contains(e, "loaded atlas ccf2017: 1327 regions, depth 0-10, root root") {
		t.Errorf("load summary: %q", e)
	}
	return dir
}

func TestAtlasCommands(t *testing.T) {
	dir := atlasStore(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"ancestors", []string{"ancestors", "VISp1"}, "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1\n"},
		{"ancestors by id", []string{"ancestors", "593"}, "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1\n"},
		{"children", []string{"children", "VISp"}, "VISp1\nVISp2/3\nVISp4\nVISp5\nVISp6a\nVISp6b\n"},
		{"children by id", []string{"children", "385"}, "VISp1\nVISp2/3\nVISp4\nVISp5\nVISp6a\nVISp6b\n"},
		{"descendants", []string{"descendants", "VISp"}, "VISp\nVISp1\nVISp2/3\nVISp4\nVISp5\nVISp6a\nVISp6b\n"},
		{"children csv", []string{"children", "VISp", "--format", "csv"},
			"id,structure_id,acronym,name,color_hex_triplet,parent_identifier,parent_acronym,depth,annotation_value,children,descendants,structure_id_path\n" +
				"593,593,VISp1,Primary visual area layer 1,08858C,385,VISp,8,593,0,0,/997/8/567/688/695/315/669/385/593/\n"},
		{"depths", []string{"depths"}, "depth  regions\n    0        1\n    1        5\n    2       18\n    3       61\n    4      109\n    5      130\n    6      262\n    7      324\n    8      272\n    9      139\n   10        6\n"},
		{"search", []string{"search", "visual", "-n", "3"}, "VIS               669  Visual areas\nVIS1              801  Visual areas layer 1\nVIS2/3            561  Visual areas layer 2/3\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, e, code := runAtlasCmd(t, append([]string{"--store", dir, "atlas"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, e)
			}
			if tc.name == "children csv" {
				out = strings.Join(strings.SplitAfterN(out, "\n", 3)[:2], "")
			}
			if out != tc.want {
				t.Errorf("got\n%s\nwant\n%s", out, tc.want)
			}
		})
	}
	// info and JSON
	out, e, code := runAtlasCmd(t, "--store", dir, "atlas", "info", "VISp", "--format", "json")
	if code != 0 {
		t.Fatal(e)
	}
	var rec atlas.RegionRecord
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.ID != 385 || rec.Color != "08858C" || rec.Depth != 7 || rec.ParentAcronym != "VIS" || rec.Children != 6 {
		t.Errorf("info json: %+v", rec)
	}
	out, _, _ = runAtlasCmd(t, "--store", dir, "atlas", "info", "VISp")
	for _, w := range []string{"id:                385", "name:              Primary visual area", "color_hex_triplet: 08858C", "parent_acronym:    VIS", "depth:             7"} {
		if !strings.Contains(out, w) {
			t.Errorf("info lacks %q:\n%s", w, out)
		}
	}
	var depths []struct{ Depth, Regions int }
	out, _, _ = runAtlasCmd(t, "--store", dir, "atlas", "depths", "--format", "json")
	if err := json.Unmarshal([]byte(out), &depths); err != nil || len(depths) != 11 || depths[7].Regions != 324 {
		t.Errorf("depths json %v: %s", err, out)
	}
	// PNG
	png := filepath.Join(t.TempDir(), "depths.png")
	if _, e, code := runAtlasCmd(t, "--store", dir, "atlas", "depths", "--png", png); code != 0 {
		t.Fatal(e)
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("png: %v", err)
	}
	// errors
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--store", dir, "atlas", "info", "VISq"}, 2, "no region with this id or acronym"},
		{[]string{"--store", dir, "atlas", "children", "VISp", "--format", "xml"}, 2, "unknown --format"},
		{[]string{"--store", dir, "atlas", "children", "VISp", "--atlas", "nope"}, 2, "no such atlas"},
		{[]string{"--store", filepath.Join(t.TempDir(), "none"), "atlas", "children", "VISp"}, 2, "ccc atlas load"},
	} {
		_, e, code := runAtlasCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d, %q", tc.args, code, e)
		}
	}
}

func TestAtlasEmptyStoreAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	if _, e, code := runAtlasCmd(t, "init", dir); code != 0 {
		t.Fatal(e)
	}
	_, e, code := runAtlasCmd(t, "--store", dir, "atlas", "ancestors", "VISp1")
	if code != 2 || !strings.Contains(e, "the store holds no atlas") || !strings.Contains(e, "ccc atlas load") {
		t.Errorf("empty store: exit %d %q", code, e)
	}
	// --ontology reads a file directly
	csv := testenv.SharedData(t, atlas.DefaultOntologyFile)
	out, e, code := runAtlasCmd(t, "--store", dir, "atlas", "ancestors", "VISp1", "--ontology", csv)
	if code != 0 || out != "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1\n" {
		t.Errorf("--ontology: %d %q %q", code, out, e)
	}
	// bad ontology: nothing stored
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("id,acronym,name,parent_id\n1,root,root,\n2,A,a,1\n3,A,b,9\n"), 0o644)
	_, e, code = runAtlasCmd(t, "--store", dir, "atlas", "load", bad)
	if code != 1 || !strings.Contains(e, "duplicate acronym") || !strings.Contains(e, "parent of region 3 (A) does not exist") {
		t.Errorf("bad load: exit %d %q", code, e)
	}
	out, _, _ = runAtlasCmd(t, "--store", dir, "versions")
	if strings.Contains(out, "atlas") {
		t.Errorf("a failed load left a version:\n%s", out)
	}
}
