package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { registerQuickstartStep(90, "store", quickstartStore) }

// labDataset is the dataset of the quickstart's generic-loader demo.
const labDataset = "lab-proofreading"

// quickstartStore runs last: every step above wrote into one versioned
// store. It loads a lab's own proofreading table with the generic loader (a
// malformed file first: rejected naming row and field, store untouched),
// verifies every checksum, runs SQL across datasets (synapses by cell type,
// Allen experiments injected in VISp through the region hierarchy), reads
// an earlier version and exports the synapse table as Parquet for pandas.
// Alone (--only store) it works on whatever the store holds.
func quickstartStore(q *quickstartEnv) error {
	ctx, out := q.Ctx, q.IO.Out
	st, err := store.Init(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(out, "   store %s (layout: docs/formats/store.md)\n", st.Dir())
	before, err := st.Latest()
	if err != nil {
		return err
	}

	// the generic loader on a lab's own table, keyed by real root ids when
	// the synapse step ran
	roots, err := qsTopPresynaptic(ctx, st, 4)
	if err != nil {
		return err
	}
	rows := [][]string{
		{"1", roots[0], "extended", "extended", "axon_fully_extended"},
		{"2", roots[1], "clean", "extended", "axon_partially_extended"},
		{"3", roots[2], "done", "clean", "axon_partially_extended"},
		{"4", roots[3], "non", "clean", ""},
	}
	bad := filepath.Join(q.OutDir, "lab_proofreading_bad.csv")
	if err := qsWriteProofreading(bad, rows); err != nil {
		return err
	}
	opts := ingest.Options{Class: "ProofreadingStatus", Dataset: labDataset, Inputs: []string{bad}, Quiet: true,
		Message: "quickstart: a lab's proofreading table"}
	r, err := ingest.Run(ctx, st, opts)
	if !errors.Is(err, ccc.ErrInvalidData) || len(r.Errors) == 0 {
		return fmt.Errorf("quickstart: the malformed proofreading table was not rejected (err %v)", err)
	}
	now, err := st.Latest()
	if err != nil {
		return err
	}
	if now != before {
		return fmt.Errorf("quickstart: a rejected ingest changed the store (version %d -> %d)", before, now)
	}
	fmt.Fprintf(out, "   ccc ingest --class ProofreadingStatus --dataset %s %s\n     rejected: %s\n     store unchanged at version %d\n",
		labDataset, filepath.Base(bad), r.Errors[0].String(), now)
	rows[2][2] = "clean"
	good := filepath.Join(q.OutDir, "lab_proofreading.csv")
	if err := qsWriteProofreading(good, rows); err != nil {
		return err
	}
	opts.Inputs = []string{good}
	r, err = ingest.Run(ctx, st, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   ccc ingest ... %s (fixed)\n     version %d: %d instances, %d errors\n",
		filepath.Base(good), r.Provenance.Version, r.Counts.Instances, r.Counts.Errors)
	q.Output("lab proofreading table (CSV)", good)

	// history and integrity
	vs, err := st.Versions("")
	if err != nil {
		return err
	}
	datasets := map[string]bool{}
	for _, v := range vs {
		datasets[v.Dataset] = true
	}
	fmt.Fprintf(out, "   ccc versions\n     %d versions of %d datasets\n", len(vs), len(datasets))
	ck, err := st.Check(ctx, store.CheckOptions{})
	if err != nil {
		return err
	}
	if !ck.OK() {
		return fmt.Errorf("quickstart: store check found %d problems: %v", len(ck.Problems), ck.Problems)
	}
	fmt.Fprintf(out, "   ccc check\n     %d table files and %d artifacts verified by checksum, %d rows in the latest version, 0 problems\n",
		ck.Tables, ck.Artifacts, ck.Rows)

	// SQL across datasets
	db, err := st.DB(ctx, store.Ref{})
	if err != nil {
		return err
	}
	defer db.Close()
	if qsHasTables(ctx, db, "Synapse", "CellTypeAnnotation") {
		pairs, err := qsStrings(ctx, db, `WITH t AS (
			SELECT DISTINCT ON (dataset, pt_root_id) dataset, pt_root_id, cell_type FROM CellTypeAnnotation
			ORDER BY dataset, pt_root_id, source = 'manual' DESC)
			SELECT coalesce(a.cell_type, 'untyped') || ' -> ' || coalesce(b.cell_type, 'untyped') || ' ' || count(*)
			FROM Synapse s
			LEFT JOIN t a ON a.dataset = s.dataset AND a.pt_root_id = s.pre_pt_root_id
			LEFT JOIN t b ON b.dataset = s.dataset AND b.pt_root_id = s.post_pt_root_id
			GROUP BY a.cell_type, b.cell_type ORDER BY count(*) DESC, 1 LIMIT 4`)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   ccc query: synapses by pre -> post cell type (Synapse x CellTypeAnnotation)\n     %s\n", strings.Join(pairs, ", "))
	}
	if qsHasTables(ctx, db, "ConnectivityExperiment", "BrainRegion") {
		var n, wt int64
		if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE coalesce(e.transgenic_line, '') = '')
			FROM ConnectivityExperiment e
			JOIN BrainRegion b ON b.structure_id = e.structure_id
			JOIN BrainRegion v ON v.dataset = b.dataset AND v.acronym = 'VISp'
			WHERE starts_with(b.structure_id_path, v.structure_id_path)`).Scan(&n, &wt); err != nil {
			return err
		}
		fmt.Fprintf(out, "   ccc query: experiments injected in VISp or its layers (ConnectivityExperiment x BrainRegion)\n     %d (%d wild type)\n", n, wt)
	}

	// time travel: the lab table did not exist in the version before it
	if now > 0 {
		old, err := st.DB(ctx, store.Ref{Version: now})
		if err != nil {
			return err
		}
		var oldRows int64
		if qsHasTables(ctx, old, "ProofreadingStatus") {
			err = old.QueryRowContext(ctx, `SELECT count(*) FROM ProofreadingStatus WHERE dataset = ?`, labDataset).Scan(&oldRows)
		}
		old.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   ccc query --version %d: %d %s rows; latest (version %d): %d\n", now, oldRows, labDataset, r.Provenance.Version, r.Counts.Instances)
	}

	// a Parquet file for pandas
	class := "ProofreadingStatus"
	if qsHasTables(ctx, db, "Synapse") {
		class = "Synapse"
	}
	pq := filepath.Join(q.OutDir, strings.ToLower(class)+".parquet")
	n, err := ingest.Export(ctx, st, ingest.ExportOptions{Class: class, Format: "parquet"}, pq, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   ccc export --class %s --format parquet\n     %d rows -> %s (pandas.read_parquet)\n", class, n, filepath.Base(pq))
	q.Output(class+" table (Parquet, for pandas)", pq)
	q.Output("store (Parquet + DuckDB catalog)", st.Dir())
	return nil
}

// qsTopPresynaptic returns the n root ids with the most outgoing synapses,
// or made-up MICrONS-style ids when the store holds no synapses.
func qsTopPresynaptic(ctx context.Context, st *store.Store, n int) ([]string, error) {
	db, err := st.DB(ctx, store.Ref{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var ids []string
	if qsHasTables(ctx, db, "Synapse") {
		ids, err = qsStrings(ctx, db, fmt.Sprintf(`SELECT pre_pt_root_id::VARCHAR FROM Synapse
			GROUP BY pre_pt_root_id ORDER BY count(*) DESC, pre_pt_root_id LIMIT %d`, n))
		if err != nil {
			return nil, err
		}
	}
	for i := len(ids); i < n; i++ {
		ids = append(ids, fmt.Sprint(864691135000000000+int64(i)*7919))
	}
	return ids, nil
}

func qsWriteProofreading(path string, rows [][]string) error {
	var b strings.Builder
	b.WriteString("id,pt_root_id,status_axon,status_dendrite,strategy_axon\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// qsHasTables reports whether every named class has a view in db.
func qsHasTables(ctx context.Context, db *sql.DB, names ...string) bool {
	for _, n := range names {
		var k int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name = ?`, n).Scan(&k); err != nil || k == 0 {
			return false
		}
	}
	return true
}

// qsStrings runs a query of one string column.
func qsStrings(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
