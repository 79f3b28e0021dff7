package atlas

import (
	"fmt"

	"github.com/ccc-connectivity/ccc"
)

// Sentinel errors of package atlas. Each wraps one ccc error kind, so
// errors.Is(err, ccc.ErrNotFound) also holds for ErrNoAtlas and
// ErrUnknownRegion.
var (
	// ErrNoAtlas is returned when a store holds no atlas (run 'ccc atlas
	// load') or the named atlas does not exist.
	ErrNoAtlas = fmt.Errorf("%w: no atlas", ccc.ErrNotFound)

	// ErrUnknownRegion is returned by Lookup when neither an id nor an
	// acronym (nor a name) matches.
	ErrUnknownRegion = fmt.Errorf("%w: unknown region", ccc.ErrNotFound)

	// ErrNoVolume is returned when an atlas has no annotation volume at the
	// requested resolution (run 'ccc atlas volume add' or 'ccc atlas download').
	ErrNoVolume = fmt.Errorf("%w: no annotation volume", ccc.ErrNotFound)
)
