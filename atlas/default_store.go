package atlas

import "errors"

// loadDefaultFromStore is replaced once the store integration lands.
func loadDefaultFromStore(dir string) (*Ontology, error) {
	return nil, errors.New("store not available")
}
