package atlas

import "github.com/ccc-connectivity/ccc/store"

// loadDefaultFromStore opens the only atlas of the store at dir.
func loadDefaultFromStore(dir string) (*Ontology, error) {
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	a, err := Open(st, store.Ref{}, "")
	if err != nil {
		return nil, err
	}
	return a.Ontology, nil
}
