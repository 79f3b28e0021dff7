package cells

import (
	"fmt"

	"github.com/ccc-connectivity/ccc"
)

// Sentinel errors of package cells.
var (
	// ErrNoCells is returned when the store holds no cell dataset of the
	// requested name (run 'ccc cells ingest').
	ErrNoCells = fmt.Errorf("%w: no cell dataset", ccc.ErrNotFound)

	// ErrNoMapping is returned when cells have no cluster assignments to
	// the requested taxonomy.
	ErrNoMapping = fmt.Errorf("%w: no cell-to-cluster mapping", ccc.ErrNotFound)
)

// Modalities are the values of the schema's Modality enum.
var Modalities = []string{"EM", "MORPHOLOGY", "MESOSCALE_TRACING", "BARSEQ", "MAPSEQ", "PATCHSEQ", "EPHYS", "TRANSCRIPTOMICS", "OTHER"}
