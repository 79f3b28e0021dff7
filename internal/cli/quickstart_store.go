package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { registerQuickstartStep(10, "store", quickstartStore) }

// quickstartStore creates the demo store and loads the Allen CCF ontology
// (BrainRegion) and MICrONS cell types (CellTypeAnnotation) through the
// generic loader: real files when present, small realistic ones otherwise.
func quickstartStore(q *quickstartEnv) error {
	st, err := store.Init(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(q.IO.Out, "   store %s (layout: docs/formats/store.md)\n", st.Dir())

	regions := q.DataFile("allen-ccf/structure_tree_safe_2017.csv")
	if regions == "" {
		regions = filepath.Join(q.OutDir, "synthetic_structure_tree.csv")
		if err := os.WriteFile(regions, []byte(storeQSOntologyCSV), 0o644); err != nil {
			return err
		}
	}
	cells := q.DataFile("microns/cells_no_repeats.csv")
	if cells == "" {
		cells = filepath.Join(q.OutDir, "synthetic_cells.csv")
		if err := os.WriteFile(cells, []byte(storeQSCellsCSV()), 0o644); err != nil {
			return err
		}
	}
	steps := []struct {
		opts   ingest.Options
		report string
	}{
		{ingest.Options{Class: "BrainRegion", Dataset: "allen-ccf-2017", Inputs: []string{regions}, Message: "Allen CCF 2017 structure ontology"}, "ingest-BrainRegion.json"},
		{ingest.Options{Class: "CellTypeAnnotation", Dataset: "microns-cells", Inputs: []string{cells}, Map: map[string]string{"Unnamed: 0": "id"}, Message: "MICrONS cell types"}, "ingest-CellTypeAnnotation.json"},
	}
	for _, s := range steps {
		s.opts.Quiet = true
		r, err := ingest.Run(q.Ctx, st, s.opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(q.IO.Out, "   ccc ingest --class %s --dataset %s %s\n", s.opts.Class, s.opts.Dataset, filepath.Base(s.opts.Inputs[0]))
		fmt.Fprintf(q.IO.Out, "     version %d: %d instances, %d errors, %d warnings, unresolved %v\n",
			r.Provenance.Version, r.Counts.Instances, r.Counts.Errors, r.Counts.Warnings, r.Unresolved)
		p := filepath.Join(q.OutDir, s.report)
		if err := r.WriteFile(p); err != nil {
			return err
		}
		q.Output("ingest report "+s.opts.Class+" (JSON)", p)
	}
	db, err := st.DB(q.Ctx, store.Ref{})
	if err != nil {
		return err
	}
	defer db.Close()
	var path string
	if err := db.QueryRowContext(q.Ctx, `SELECT string_agg(b.acronym, ' > ' ORDER BY len(b.structure_id_path))
		FROM BrainRegion a, BrainRegion b WHERE a.acronym = 'VISp' AND a.structure_id_path LIKE b.structure_id_path || '%'`).Scan(&path); err != nil {
		return err
	}
	fmt.Fprintf(q.IO.Out, "   ccc query: ancestors of VISp: %s\n", path)
	var types []string
	rows, err := db.QueryContext(q.Ctx, `SELECT cell_type || ' ' || count(*) FROM CellTypeAnnotation GROUP BY cell_type ORDER BY count(*) DESC LIMIT 5`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		types = append(types, s)
	}
	rows.Close()
	fmt.Fprintf(q.IO.Out, "   ccc query: most frequent cell types: %s\n", strings.Join(types, ", "))
	q.Output("store (Parquet + DuckDB catalog)", st.Dir())
	return nil
}

// storeQSOntologyCSV is a small slice of the Allen hierarchy (root to
// the layers of VISp) in the structure_tree_safe column layout.
const storeQSOntologyCSV = `id,name,acronym,parent_structure_id,depth,structure_id_path,color_hex_triplet
997,root,root,,0,/997/,FFFFFF
8,Basic cell groups and regions,grey,997,1,/997/8/,BFDAE3
567,Cerebrum,CH,8,2,/997/8/567/,B0F0FF
688,Cerebral cortex,CTX,567,3,/997/8/567/688/,B0FFB8
695,Cortical plate,CTXpl,688,4,/997/8/567/688/695/,70FF70
315,Isocortex,Isocortex,695,5,/997/8/567/688/695/315/,70FF71
669,Visual areas,VIS,315,6,/997/8/567/688/695/315/669/,08858C
385,Primary visual area,VISp,669,7,/997/8/567/688/695/315/669/385/,08858C
593,"Primary visual area, layer 1",VISp1,385,8,/997/8/567/688/695/315/669/385/593/,08858C
821,"Primary visual area, layer 2/3",VISp2/3,385,8,/997/8/567/688/695/315/669/385/821/,08858C
721,"Primary visual area, layer 4",VISp4,385,8,/997/8/567/688/695/315/669/385/721/,08858C
778,"Primary visual area, layer 5",VISp5,385,8,/997/8/567/688/695/315/669/385/778/,08858C
`

// storeQSCellsCSV mimics cells_no_repeats.csv: 2,000 cells with types
// in MICrONS proportions and nucleus positions in voxels.
func storeQSCellsCSV() string {
	var b strings.Builder
	b.WriteString("Unnamed: 0,cell_type,pt_root_id,pt_x,pt_y,pt_z\n")
	types := []string{"23P", "23P", "23P", "4P", "4P", "5P-IT", "6P-IT", "BC", "MC", "BPC"}
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "%d,%s,%d,%d,%d,%d\n", i, types[(i*7)%len(types)], 864691135000000000+int64(i)*7919, 70000+(i*37)%200000, 80000+(i*53)%150000, 15000+(i*11)%12000)
	}
	return b.String()
}
