package taxonomy

import (
	"fmt"

	"github.com/ccc-connectivity/ccc"
)

// Sentinel errors of package taxonomy. Each wraps one ccc error kind.
var (
	// ErrNoTaxonomy is returned when the store holds no taxonomy of the
	// requested name (run 'ccc taxonomy load').
	ErrNoTaxonomy = fmt.Errorf("%w: no taxonomy", ccc.ErrNotFound)

	// ErrUnknownCluster is returned by Lookup when no cluster label, name
	// or alias matches.
	ErrUnknownCluster = fmt.Errorf("%w: unknown cluster", ccc.ErrNotFound)

	// ErrUnknownLevel is returned when a level name is not one of the
	// taxonomy's levels.
	ErrUnknownLevel = fmt.Errorf("%w: unknown taxonomy level", ccc.ErrNotFound)
)
