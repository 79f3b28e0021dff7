package nwb

import (
	"encoding/json"
	"testing"

	"github.com/ccc-connectivity/ccc/linkml"
)

// FuzzSpecToLinkML parses arbitrary NWB schema-language JSON and translates
// it: no panic, and whatever is produced is YAML the LinkML engine parses
// (it may reject it, e.g. for an unknown range, but with an error).
func FuzzSpecToLinkML(f *testing.F) {
	f.Add(`{"groups":[{"neurodata_type_def":"Probe","neurodata_type_inc":"Device","attributes":[{"name":"rate","dtype":"float64"}]}]}`)
	f.Add(`{"datasets":[{"data_type_def":"Col","dims":[["n"],["n","m"]],"shape":[[null],[null,3]],"dtype":[{"name":"a","dtype":"int"},{"name":"r","dtype":{"target_type":"Col","reftype":"object"}}]}]}`)
	f.Add(`{"groups":[{"neurodata_type_def":"T","groups":[{"name":"g","quantity":"*","datasets":[{"name":"d","dtype":"text","attributes":[{"name":"u","value":"volts"}]}]}],"links":[{"name":"l","target_type":"T","quantity":"?"}]}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var m map[string]any
		if json.Unmarshal([]byte(doc), &m) != nil {
			return
		}
		ss := &SpecSource{Name: "fuzz"}
		for _, g := range list2(m["groups"]) {
			ss.Groups = append(ss.Groups, parseSpec("group", g))
		}
		for _, d := range list2(m["datasets"]) {
			ss.Datasets = append(ss.Datasets, parseSpec("dataset", d))
		}
		ns := &Namespace{Name: "fuzz", Version: "0.1.0", Sources: []*SpecSource{ss}}
		f := &File{Path: "fuzz.nwb"}
		y, err := f.linkml([]*Namespace{ns}, LinkMLOptions{})
		if err != nil {
			return
		}
		linkml.LoadBytes("fuzz.yaml", y, linkml.LoadOptions{})
	})
}

// TestSeedSpecsLoad checks that the well-formed seeds translate to schemas
// the engine accepts.
func TestSeedSpecsLoad(t *testing.T) {
	docs := []string{
		`{"groups":[{"neurodata_type_def":"Device"},{"neurodata_type_def":"Probe","neurodata_type_inc":"Device","attributes":[{"name":"rate","dtype":"float64"}]}]}`,
		`{"datasets":[{"data_type_def":"Col","dims":[["n"],["n","m"]],"shape":[[null],[null,3]],"dtype":[{"name":"a","dtype":"int"},{"name":"r","dtype":{"target_type":"Col","reftype":"object"}}]}]}`,
	}
	for _, doc := range docs {
		var m map[string]any
		json.Unmarshal([]byte(doc), &m)
		ss := &SpecSource{Name: "t"}
		for _, g := range list2(m["groups"]) {
			ss.Groups = append(ss.Groups, parseSpec("group", g))
		}
		for _, d := range list2(m["datasets"]) {
			ss.Datasets = append(ss.Datasets, parseSpec("dataset", d))
		}
		y, err := (&File{Path: "t.nwb"}).linkml([]*Namespace{{Name: "t", Version: "1", Sources: []*SpecSource{ss}}}, LinkMLOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := linkml.LoadBytes("t.yaml", y, linkml.LoadOptions{Strict: true}); err != nil {
			t.Fatalf("%v\n%s", err, y)
		}
	}
}
