package cli

import (
	"context"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/synapse"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// taxonomyTypeOf resolves '--by taxonomy:NAME:LEVEL' into a root -> type
// function: the root's cell (its root id, else its nucleus id from the
// dataset's cell-type table) -> its cluster in taxonomy NAME (through the
// store's cell-to-cluster mappings, highest score first) -> the ancestor
// at LEVEL; cells.Unmapped when any step is missing.
func taxonomyTypeOf(ctx context.Context, io *IO, g *globalOptions, rf refFlags, spec string, ds *synapse.Dataset) (func(int64) string, error) {
	parts := strings.Split(spec, ":")
	if len(parts) != 3 || parts[0] != "taxonomy" || parts[1] == "" || parts[2] == "" {
		return nil, usageErr("--by %q: want cell_type or taxonomy:NAME:LEVEL (e.g. taxonomy:wmb:subclass)", spec)
	}
	st, sn, _, err := openSnapshot(io, g, rf)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	t, err := taxonomy.Open(sn, parts[1])
	if err != nil {
		return nil, err
	}
	level, err := t.LevelIndex(parts[2])
	if err != nil {
		return nil, err
	}
	types, err := cells.TypeLookup(ctx, sn, t, level, nil)
	if err != nil {
		return nil, err
	}
	var nucleus map[int64]int64
	if c, err := ds.Cells(ctx); err == nil && c.HasTypes {
		nucleus = map[int64]int64{}
		for root, ct := range c.Types {
			if ct.Nucleus != 0 {
				nucleus[root] = ct.Nucleus
			}
		}
	}
	return func(root int64) string {
		if ty, ok := types[strconv.FormatInt(root, 10)]; ok {
			return ty
		}
		if n, ok := nucleus[root]; ok {
			if ty, ok := types[strconv.FormatInt(n, 10)]; ok {
				return ty
			}
		}
		return cells.Unmapped
	}, nil
}
