package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// writeAllenAsBrainglobe writes the CCF 2017 ontology as a brainglobe
// structures.json (flat list, structure_id_path lists, rgb_triplet).
func writeAllenAsBrainglobe(t *testing.T, csvPath, out string) {
	t.Helper()
	o, err := atlas.LoadOntology(csvPath, atlas.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	for _, r := range o.Regions() {
		var rgb [3]int
		fmt.Sscanf(r.Color, "%02X%02X%02X", &rgb[0], &rgb[1], &rgb[2])
		list = append(list, map[string]any{"acronym": r.Acronym, "id": r.ID, "name": r.Name,
			"structure_id_path": o.Ancestors(r.ID), "rgb_triplet": rgb})
	}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestClosureMatchesDescendants: "in R or below" as one equality join on the
// BrainRegionClosure view lists exactly the regions 'ccc atlas descendants R'
// lists, for the Allen 2017 CSV, the same tree as a brainglobe
// structures.json, and a small hand-written brainglobe atlas.
func TestClosureMatchesDescendants(t *testing.T) {
	allen := testenv.SharedData(t, atlas.DefaultOntologyFile)
	bg := filepath.Join(t.TempDir(), "structures.json")
	writeAllenAsBrainglobe(t, allen, bg)
	for _, tc := range []struct {
		name, file string
		regions    []string
		closure    int // rows of the closure table: sum of depth+1 (Allen: from the depth histogram of TestAtlasCommands)
		visp       int // regions in VISp or below
	}{
		{"allen 2017 csv", allen, []string{"VISp", "VISp4", "Isocortex", "TH", "root"}, 9964, 7},
		{"allen 2017 as brainglobe json", bg, []string{"VISp", "VISp4", "Isocortex", "TH", "root"}, 9964, 7},
		{"brainglobe fixture", "testdata/crossmodal/brainglobe_structures.json", []string{"VISp", "VISp4", "Isocortex", "TH", "root", "LGd"}, 41, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			if _, e, code := runAtlasCmd(t, "init", dir); code != 0 {
				t.Fatalf("init: %s", e)
			}
			if _, e, code := runAtlasCmd(t, "--store", dir, "atlas", "load", "--atlas", "a", tc.file); code != 0 {
				t.Fatalf("atlas load: %s", e)
			}
			out, e, code := runAtlasCmd(t, "--store", dir, "query", "--format", "csv", "--sql",
				"SELECT count(*) AS n, count(*) FILTER (WHERE ancestor_acronym = 'VISp') AS visp, count(DISTINCT dataset) AS ds FROM BrainRegionClosure")
			if code != 0 {
				t.Fatalf("query: %s", e)
			}
			if want := fmt.Sprintf("n,visp,ds\n%d,%d,1\n", tc.closure, tc.visp); out != want {
				t.Errorf("closure counts %q, want %q", out, want)
			}
			for _, r := range tc.regions {
				desc, e, code := runAtlasCmd(t, "--store", dir, "atlas", "descendants", r, "--format", "csv")
				if code != 0 {
					t.Fatalf("descendants %s: %s", r, e)
				}
				want := testenv.CSVColumn(t, desc, "id")
				// the idiom of docs/query.md: one equality join on the closure
				q := fmt.Sprintf(`SELECT b.id, c.closure_distance FROM BrainRegion b
					JOIN BrainRegionClosure c ON c.descendant_id = b.id AND c.dataset = b.dataset
					WHERE c.ancestor_acronym = '%s'`, r)
				got, e, code := runAtlasCmd(t, "--store", dir, "query", "--format", "csv", "--sql", q)
				if code != 0 {
					t.Fatalf("query %s: %s", r, e)
				}
				ids := testenv.CSVColumn(t, got, "id")
				slices.Sort(want)
				slices.Sort(ids)
				if len(want) == 0 || !slices.Equal(ids, want) {
					t.Errorf("%s: closure join gives %d regions %v, atlas descendants %d %v", r, len(ids), ids, len(want), want)
				}
				// distance 0 exactly once: the region itself
				zero := 0
				for _, d := range testenv.CSVColumn(t, got, "closure_distance") {
					if d == "0" {
						zero++
					}
				}
				if zero != 1 {
					t.Errorf("%s: %d rows at distance 0, want 1", r, zero)
				}
			}
			// distances: VISp4 is one step below VISp, three below Isocortex (Allen) or two (fixture)
			out, e, code = runAtlasCmd(t, "--store", dir, "query", "--format", "csv", "--sql",
				"SELECT ancestor_acronym, closure_distance FROM BrainRegionClosure WHERE descendant_acronym = 'VISp4' AND ancestor_acronym IN ('VISp', 'root') ORDER BY 2")
			if code != 0 {
				t.Fatalf("query: %s", e)
			}
			depth := 8
			if tc.closure == 41 {
				depth = 4
			}
			if want := fmt.Sprintf("ancestor_acronym,closure_distance\nVISp,1\nroot,%d\n", depth); out != want {
				t.Errorf("distances %q, want %q", out, want)
			}
		})
	}
}
