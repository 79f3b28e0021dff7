package crossmodal

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// SynthMatrix is the id of the matrix SynthSiteStore writes.
const SynthMatrix = "bench"

// SynthSiteStore writes the site-projections benchmark's store into the
// new directory dir: the ontology at ontologyPath as atlas "ccf2017",
// nExp ConnectivityExperiment rows (a tenth injected in VISp or below, the
// rest in random regions), an experiments x regions matrix SynthMatrix over
// the first 1,300 regions (values r*r', seeded) with its long form, and
// nSites RecordingSite rows of session "bench-0001" in random regions. The
// same seed gives the same store.
func SynthSiteStore(ctx context.Context, dir, ontologyPath string, nExp, nSites int, seed uint64) (*store.Store, error) {
	o, err := atlas.LoadOntology(ontologyPath, atlas.LoadOptions{})
	if err != nil {
		return nil, err
	}
	visp, err := o.Lookup("VISp")
	if err != nil {
		return nil, err
	}
	st, err := store.Init(dir)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*store.Store, error) {
		st.Close()
		return nil, err
	}
	if _, err := atlas.Save(ctx, st, "ccf2017", o, atlas.SaveOptions{}); err != nil {
		return fail(err)
	}
	regs := o.Regions()
	vispTree := o.Descendants(visp.ID)
	r := rand.New(rand.NewPCG(seed, seed))
	var exps, sites strings.Builder
	exps.WriteString("id,structure_id\n")
	rows := make([]string, nExp)
	for i := range nExp {
		s := regs[r.IntN(len(regs))].ID
		if i%10 == 0 {
			s = vispTree[r.IntN(len(vispTree))]
		}
		fmt.Fprintf(&exps, "%d,%d\n", 500000000+i, s)
		rows[i] = projection.ExperimentItemID(int64(500000000 + i))
	}
	sites.WriteString("id,data_item,electrode_id,brain_region\n")
	for i := range nSites {
		fmt.Fprintf(&sites, "bench-0001:%d,bench-0001,%d,%d\n", i, i, regs[r.IntN(len(regs))].ID)
	}
	write := func(dataset, class, text string) error {
		tx, err := st.Begin(ctx, store.TxOptions{Dataset: dataset, Message: "synthetic " + class})
		if err != nil {
			return err
		}
		csv := filepath.Join(tx.StagingDir(), class+".csv")
		if err := os.WriteFile(csv, []byte(text), 0o644); err != nil {
			tx.Rollback()
			return err
		}
		if err := atlas.CSVToParquet(ctx, csv, tx.TablePath(class)); err != nil {
			tx.Rollback()
			return err
		}
		_, err = tx.Commit()
		return err
	}
	if err := write(projection.DefaultDataset, "ConnectivityExperiment", exps.String()); err != nil {
		return fail(err)
	}
	if err := write("nwb_bench", "RecordingSite", sites.String()); err != nil {
		return fail(err)
	}
	nCols := min(1300, len(regs))
	m := &projection.Matrix{ID: SynthMatrix, MeasurementType: "PROJECTION_DENSITY", Modality: "MESOSCALE_TRACING", Unit: "fraction", Hemisphere: 3,
		Rows: rows, Values: make([]float64, nExp*nCols)}
	for _, reg := range regs[:nCols] {
		m.RegionIDs = append(m.RegionIDs, reg.ID)
		m.RegionAcronyms = append(m.RegionAcronyms, reg.Acronym)
	}
	for i := range m.Values {
		m.Values[i] = r.Float64() * r.Float64()
	}
	if _, err := projection.SaveMatrix(ctx, st, m, "", nil, nil, 0); err != nil {
		return fail(err)
	}
	return st, nil
}
