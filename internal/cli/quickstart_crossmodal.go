package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/crossmodal"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { registerQuickstartStep(70, "crossmodal", quickstartCrossmodal) }

// quickstartCrossmodal joins the modalities the steps above stored: "in
// VISp or below" through the region closure, projection values in SQL
// through their long form, and, for each recording site of the NWB session,
// how strongly its region receives projections from VISp (ccc ask
// site-projections); with the synapses step, the EM cell types with the
// projection profile of their region (ccc ask em-types-projections). It
// needs the atlas, projections and nwb steps.
func quickstartCrossmodal(q *quickstartEnv) error {
	ctx, w := q.Ctx, q.IO.Out
	st, err := store.Open(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return err
	}
	if len(sn.Tables(atlas.ClosureClass)) == 0 || len(sn.Tables("RecordingSite")) == 0 || len(sn.Tables(projection.MeasurementClass)) == 0 {
		fmt.Fprintln(w, "   (skipped: needs the atlas, projections and nwb steps)")
		return nil
	}
	db, err := st.ReadOnlyDB(ctx, store.Ref{Version: sn.Number()})
	if err != nil {
		return err
	}
	defer db.Close()
	var regions, long, matrices int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM BrainRegion b
		JOIN BrainRegionClosure c ON c.descendant_id = b.id AND c.dataset = b.dataset WHERE c.ancestor_acronym = 'VISp'`).Scan(&regions); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT (dataset, "matrix")) FROM ProjectionMeasurement`).Scan(&long, &matrices); err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc query: regions in VISp or below (BrainRegion x BrainRegionClosure, one equality join)\n     %d regions\n", regions)
	fmt.Fprintf(w, "   ccc query: projection values in SQL (ProjectionMeasurement, the long form of the Zarr matrices)\n     %d rows of %d matrices\n", long, matrices)
	var sessions []string
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT data_item FROM RecordingSite ORDER BY 1")
	if err != nil {
		return err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		sessions = append(sessions, s)
	}
	rows.Close()
	if len(sessions) == 0 {
		fmt.Fprintln(w, "   (skipped: no recording sites)")
		return nil
	}
	csvOut, png := filepath.Join(q.OutDir, "site_projections.csv"), filepath.Join(q.OutDir, "site_projections.png")
	errOut := &strings.Builder{}
	io := &IO{In: strings.NewReader(""), Out: &strings.Builder{}, ErrOut: errOut, Getenv: q.IO.Getenv}
	o := &askSiteProjectionsOptions{IO: io, Global: &globalOptions{StoreDir: q.StoreDir},
		Q: crossmodal.SiteProjectionsOptions{Source: "VISp", Session: sessions[0], Stat: "mean"}, Format: "csv", Out: csvOut, PNG: png}
	if err := runAskSiteProjections(ctx, o); err != nil {
		// with real experiment tables the demo matrix's synthetic
		// experiments are not in ConnectivityExperiment: say so, go on
		if !errors.Is(err, ccc.ErrNotFound) {
			return err
		}
		fmt.Fprintf(w, "   ccc ask site-projections --source VISp --session %s\n     not answered here: %v\n", sessions[0], err)
		return nil
	}
	fmt.Fprintf(w, "   ccc ask site-projections --source VISp --session %s --out site_projections.csv --png site_projections.png\n     %s",
		sessions[0], errOut.String())
	q.Output("sites x projection strength from VISp (CSV)", csvOut)
	q.Output("sites x projection strength from VISp (PNG)", png)
	if len(sn.Tables("CellTypeAnnotation")) == 0 {
		return nil
	}
	// EM cell types (the synapses step) with the projection profile of
	// their region, the whole EM volume declared in VISp
	emOut, errOut := filepath.Join(q.OutDir, "em_types_projections.csv"), &strings.Builder{}
	io.ErrOut = errOut
	eo := &askEMTypesOptions{IO: io, Global: &globalOptions{StoreDir: q.StoreDir}, Q: crossmodal.EMTypesOptions{Region: "VISp", Stat: "mean"}, Format: "csv", Out: emOut}
	if err := runAskEMTypes(ctx, eo); err != nil {
		if !errors.Is(err, ccc.ErrNotFound) {
			return err
		}
		fmt.Fprintf(w, "   ccc ask em-types-projections --region VISp\n     not answered here: %v\n", err)
		return nil
	}
	fmt.Fprintf(w, "   ccc ask em-types-projections --region VISp --out em_types_projections.csv\n     %s", errOut.String())
	q.Output("EM cell types x projection profile of VISp (CSV)", emOut)
	return nil
}
