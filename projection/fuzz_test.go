package projection

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
)

var fuzzOntology = func() *atlas.Ontology {
	dir, _ := os.MkdirTemp("", "ccc-fuzz-ont")
	p := filepath.Join(dir, "ont.csv")
	os.WriteFile(p, []byte("id,acronym,name,parent_structure_id\n997,root,root,\n385,VISp,Primary visual area,997\n533,VISpm,posteromedial visual area,997\n"), 0o644)
	o, err := atlas.LoadOntology(p, atlas.LoadOptions{})
	os.RemoveAll(dir)
	if err != nil {
		panic(err)
	}
	return o
}()

func FuzzParseInjectionStructures(f *testing.F) {
	f.Add(`[{"id"=>104, "abbreviation"=>"AId", "name"=>"Agranular insular area, dorsal part", "color"=>"219866"}]`)
	f.Add(`[]`)
	f.Add(`[{"id": 1, "acronym": "x\"y"}]`)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseInjectionStructures(s)
		if err == nil {
			for _, is := range got {
				if is.ID == 0 {
					t.Fatal("structure without id accepted")
				}
			}
		}
	})
}

func FuzzParseCoordinates(f *testing.F) {
	f.Add("[5520, 4470, 10080]")
	f.Add("")
	f.Add("[1e3,2,-3]")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCoordinates(s)
		if err == nil && strings.TrimSpace(s) != "" && strings.TrimSpace(s) != "[]" {
			for _, v := range c {
				if v != v {
					t.Fatal("NaN accepted")
				}
			}
		}
	})
}

func FuzzReadExperiments(f *testing.F) {
	f.Add("id,transgenic-line,structure-id,injection-coordinates,injection-structures\n1,\"\",385,\"[1, 2, 3]\",\"[{\"\"id\"\"=>385}]\"\n")
	f.Add("id,structure_id,injection_coordinates\n5,8,\n")
	f.Fuzz(func(t *testing.T, s string) {
		exps, err := ReadExperiments(strings.NewReader(s), "f.csv")
		if err == nil && len(exps) == 0 {
			t.Fatal("no experiments and no error")
		}
	})
}

func FuzzParseSummary(f *testing.F) {
	f.Add([]byte(`[{"structure_id":997,"hemisphere_id":3,"projection_volume":0.2,"experimentID":1}]`))
	f.Add([]byte(`{"success":true,"msg":[{"section_data_set_id":1,"structure_id":8,"hemisphere_id":2}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSummary(b, "s.json", 0)
		if err == nil {
			s.Injection()
		}
	})
}

func FuzzReadCellVectors(f *testing.F) {
	f.Add("cell_id,target,count\nc1,VISp,10\n")
	f.Add("neuron,VISp,385,VISpm\nn1,1.5,,2\n")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ReadCellVectors(strings.NewReader(s), "v.csv", fuzzOntology)
		if err == nil && len(m.Values) != len(m.Rows)*len(m.RegionIDs) {
			t.Fatal("inconsistent matrix")
		}
	})
}
