package cli

import (
	"context"
	"fmt"

	"github.com/ccc-connectivity/ccc/engine/spark"
	"github.com/ccc-connectivity/ccc/synapse"
)

// matrixQuestions are the matrix questions both engines answer:
// *synapse.Dataset (embedded, graph index) and *spark.Synapses.
type matrixQuestions interface {
	Cells(ctx context.Context) (*synapse.Cells, error)
	ByCellType(ctx context.Context, r *synapse.Request, preIDs, postIDs []int64) (*synapse.TypeMatrix, error)
	Matrix(ctx context.Context, r *synapse.Request, rowIDs, colIDs []int64, v synapse.MatrixValue) (*synapse.MatrixResult, error)
}

var (
	_ matrixQuestions = (*synapse.Dataset)(nil)
	_ matrixQuestions = (*spark.Synapses)(nil)
)

// runSynapsesQuerySpark answers 'ccc synapses query --engine spark': synapse
// rows, or per-pair counts with --group-by pair, as the embedded engine
// writes them.
func runSynapsesQuerySpark(ctx context.Context, opts *synapsesQueryOptions, req *synapse.Request) error {
	if opts.GroupBy != "pair" {
		return runSynapseRowsSpark(ctx, opts, req)
	}
	if len(opts.Columns) > 0 || opts.SplitPositions || opts.Desired != "" {
		return usageErr("--columns, --split-positions and --desired-resolution apply to synapse rows, not to --group-by pair")
	}
	y, s, done, err := opts.Sel.openSparkSynapses(ctx, opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer done()
	q, count, err := y.PairsSQL(req, opts.WithCellTypes)
	if err != nil {
		return err
	}
	stats := &synapse.Stats{Matched: -1}
	if stats.MissingIDs, err = y.Missing(ctx, spark.RequestedIDs(req)...); err != nil {
		return err
	}
	if req.Limit > 0 {
		n, err := sparkCount(ctx, s, count)
		if err != nil {
			return err
		}
		stats.Matched = n
		stats.Truncated = n > req.Limit
	}
	n, err := sparkWrite(ctx, s, q, opts.Sel.eng.maxRows(), opts.IO, opts.Format, opts.Out, pairKinds)
	if err != nil {
		return err
	}
	stats.Rows = n
	reportStats(opts.IO, opts.Global, stats, opts.Limit, opts.Out, true)
	return nil
}

// runSynapsesDegreeSpark answers 'ccc synapses degree --engine spark'.
func runSynapsesDegreeSpark(ctx context.Context, opts *synapsesDegreeOptions, neurons []int64, req *synapse.Request) error {
	y, s, done, err := opts.Sel.openSparkSynapses(ctx, opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer done()
	q, err := y.DegreesSQL(neurons, req)
	if err != nil {
		return err
	}
	if _, err = sparkWrite(ctx, s, q, opts.Sel.eng.maxRows(), opts.IO, opts.Format, opts.Out, degreeKinds); err != nil {
		return err
	}
	missing, err := y.Missing(ctx, neurons)
	if err != nil {
		return err
	}
	if !opts.Global.Quiet && missing > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "note: %d root id(s) are not in the table (degree 0)\n", missing)
	}
	return nil
}

// openSparkSynapses connects to Spark, registers the store version and
// returns the synapse questions of the selected dataset; done closes all.
func (sel *synapseSelect) openSparkSynapses(ctx context.Context, io *IO, g *globalOptions) (*spark.Synapses, *spark.Session, func(), error) {
	// the synapse questions read these classes only
	st, sn, s, err := sel.eng.openSpark(ctx, io, g, sel.ref, synapse.ClassSynapse, synapse.ClassCellType, synapse.ClassProofreading)
	if err != nil {
		return nil, nil, nil, err
	}
	done := func() { s.Close(); st.Close() }
	y, err := s.Synapses(sn, sel.Dataset)
	if err != nil {
		done()
		return nil, nil, nil, err
	}
	return y, s, done, nil
}

var (
	pairKinds   = map[string]synapse.ColKind{"syn_count": synapse.KindInt, "sum_size": synapse.KindFloat, "cell_type_pre": synapse.KindString, "cell_type_post": synapse.KindString}
	degreeKinds = map[string]synapse.ColKind{"out_size": synapse.KindFloat, "in_size": synapse.KindFloat}
)

func sparkCount(ctx context.Context, s *spark.Session, q string) (int64, error) {
	t, err := s.Query(ctx, q)
	if err != nil {
		return 0, err
	}
	defer t.Release()
	rows := spark.NewRows(t)
	defer rows.Close()
	if !rows.Next() {
		return 0, rows.Err()
	}
	n, _ := rows.Values()[0].(int64)
	return n, nil
}

// sparkWrite runs q on Spark and writes its rows with the synapse package's
// writers (the embedded engine's), columns typed by kinds (default int).
func sparkWrite(ctx context.Context, s *spark.Session, q string, max int64, io *IO, format, out string, kinds map[string]synapse.ColKind) (int64, error) {
	t, err := s.QueryMax(ctx, q, max)
	if err != nil {
		return 0, err
	}
	if t != nil {
		defer t.Release()
	}
	rw, closeFn, err := outputTarget(io, format, out)
	if err != nil {
		return 0, err
	}
	rows := spark.NewRows(t)
	defer rows.Close()
	names, _ := rows.Columns()
	cols := make([]synapse.Col, len(names))
	for i, n := range names {
		k, ok := kinds[n]
		if !ok {
			k = synapse.KindInt
		}
		cols[i] = synapse.Col{Name: n, Kind: k}
	}
	if err := rw.Header(cols); err != nil {
		closeFn()
		return 0, err
	}
	var n int64
	for rows.Next() {
		if err := rw.Row(rows.Values()); err != nil {
			closeFn()
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		closeFn()
		return n, err
	}
	if err := rw.Close(); err != nil {
		closeFn()
		return n, err
	}
	return n, closeFn()
}

// runSynapseRowsSpark writes the synapse rows of a request, read on Spark:
// the embedded engine's columns, order, --limit note and missing-id note.
func runSynapseRowsSpark(ctx context.Context, opts *synapsesQueryOptions, req *synapse.Request) error {
	y, s, done, err := opts.Sel.openSparkSynapses(ctx, opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer done()
	q, count, cols, err := y.RowsSQL(req)
	if err != nil {
		return err
	}
	stats := &synapse.Stats{Matched: -1}
	if stats.MissingIDs, err = y.Missing(ctx, spark.RequestedIDs(req)...); err != nil {
		return err
	}
	t, err := s.QueryMax(ctx, q, opts.Sel.eng.maxRows())
	if err != nil {
		return err
	}
	if t != nil {
		defer t.Release()
	}
	rows := spark.NewRows(t)
	defer rows.Close()
	if req.Limit > 0 && t != nil && t.NumRows() > req.Limit {
		stats.Truncated = true
		// the embedded engine knows the count when every filter is on
		// root ids, ids or sizes; so does this
		if !y.SQLOnlyFilters(req) {
			if stats.Matched, err = sparkCount(ctx, s, count); err != nil {
				return err
			}
		}
	}
	rw, closeFn, err := outputTarget(opts.IO, opts.Format, opts.Out)
	if err != nil {
		return err
	}
	hdr := make([]synapse.Col, len(cols))
	for i, c := range cols {
		hdr[i] = c.Col
	}
	if err := rw.Header(hdr); err != nil {
		closeFn()
		return err
	}
	out := make([]any, len(cols))
	for rows.Next() {
		if req.Limit > 0 && stats.Rows == req.Limit {
			break
		}
		for i, v := range rows.Values() {
			out[i] = cols[i].Value(v)
		}
		if err := rw.Row(out); err != nil {
			closeFn()
			return err
		}
		stats.Rows++
	}
	if err := rows.Err(); err != nil {
		closeFn()
		return err
	}
	if err := rw.Close(); err != nil {
		closeFn()
		return err
	}
	if err := closeFn(); err != nil {
		return err
	}
	reportStats(opts.IO, opts.Global, stats, opts.Limit, opts.Out, false)
	return nil
}
