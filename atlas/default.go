package atlas

import (
	"os"
	"path/filepath"
	"runtime"

	"github.com/ccc-connectivity/ccc"
)

// DefaultOntologyFile is the Allen CCF 2017 ontology under the shared data
// directory.
const DefaultOntologyFile = "allen-ccf/structure_tree_safe_2017.csv"

// DefaultAtlasName is the name the CCF 2017 ontology gets when no other is
// given.
const DefaultAtlasName = "ccf2017"

// sharedDataCandidates lists where the shared data directory may be:
// $CCC_SHARED_DATA, ../shared/data and shared/data from the working
// directory, and ../shared/data next to this module.
func sharedDataCandidates() []string {
	var c []string
	if v := os.Getenv("CCC_SHARED_DATA"); v != "" {
		c = append(c, v)
	}
	c = append(c, filepath.Join("..", "shared", "data"), filepath.Join("shared", "data"))
	if _, file, _, ok := runtime.Caller(0); ok {
		c = append(c, filepath.Join(filepath.Dir(file), "..", "..", "shared", "data"))
	}
	return c
}

// DefaultOntologyPath returns the path of the CCF 2017 ontology file in the
// shared data directory, or "" when it is not there.
func DefaultOntologyPath() string {
	for _, d := range sharedDataCandidates() {
		p := filepath.Join(d, DefaultOntologyFile)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// LoadDefault returns the Allen CCF 2017 ontology: from the store named by
// $CCC_STORE when it holds one atlas, else from the shared data directory
// (tests, quickstart). ErrNoAtlas when neither is there.
func LoadDefault() (*Ontology, error) {
	if dir := os.Getenv("CCC_STORE"); dir != "" {
		if o, err := loadDefaultFromStore(dir); err == nil {
			return o, nil
		}
	}
	p := DefaultOntologyPath()
	if p == "" {
		return nil, &ccc.Error{Op: "load default atlas", Row: -1, Msg: "no atlas in $CCC_STORE and no " + DefaultOntologyFile + " in ../shared/data",
			Hint: "run 'ccc atlas load FILE' or set CCC_SHARED_DATA", Kind: ErrNoAtlas}
	}
	return LoadOntology(p, LoadOptions{Name: DefaultAtlasName})
}
