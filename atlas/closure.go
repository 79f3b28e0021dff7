package atlas

import (
	"context"

	"github.com/ccc-connectivity/ccc/internal/tablewrite"
)

// ClosureClass is the schema class (and store table) of the region
// hierarchy's transitive closure: one row per (ancestor, descendant) pair,
// a region being its own ancestor at distance 0. Every atlas dataset writes
// it next to its BrainRegion table, so "in X or below" is one equality
// join in SQL (see docs/query.md).
const ClosureClass = "BrainRegionClosure"

// closureColumns is the DuckDB column spec of the BrainRegionClosure table.
const closureColumns = `ancestor_id: 'VARCHAR', descendant_id: 'VARCHAR', closure_distance: 'INTEGER',
	ancestor_structure_id: 'BIGINT', descendant_structure_id: 'BIGINT', ancestor_acronym: 'VARCHAR', descendant_acronym: 'VARCHAR'`

// ClosureRows returns the number of rows of o's closure table: the sum over
// regions of depth+1.
func (o *Ontology) ClosureRows() int {
	n := 0
	for _, r := range o.regions {
		n += r.Depth + 1
	}
	return n
}

// writeClosureTable writes o's closure as Parquet to out (rows ordered by
// descendant in source order, then ancestor from the root down).
func writeClosureTable(ctx context.Context, o *Ontology, scratch, out string) error {
	return tablewrite.NDJSON(ctx, scratch, out, closureColumns, func(emit func(map[string]any) error) error {
		for i := range o.regions {
			r := &o.regions[i]
			for _, a := range o.Ancestors(r.ID) {
				ar, _ := o.ByID(a)
				if err := emit(map[string]any{"ancestor_id": ar.Identifier, "descendant_id": r.Identifier, "closure_distance": r.Depth - ar.Depth,
					"ancestor_structure_id": ar.ID, "descendant_structure_id": r.ID,
					"ancestor_acronym": nullString(ar.Acronym), "descendant_acronym": nullString(r.Acronym)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
