package cli

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/store"
)

type cellsShowOptions struct {
	IO      *IO
	Global  *globalOptions
	Dataset string
	Limit   int
	Ref     refFlags
}

func newCmdCellsShow(io *IO, g *globalOptions) *cobra.Command {
	opts := &cellsShowOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "show [--dataset NAME]",
		Short: "List the cell datasets, or show the first cells of one with region and cluster",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runCellsShow(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dataset, "dataset", "", "cell dataset to show (default: list the datasets)")
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 10, "cells to show")
	opts.Ref.add(cmd)
	return cmd
}

func runCellsShow(ctx context.Context, opts *cellsShowOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	st, sn, ref, err := openSnapshot(opts.IO, opts.Global, opts.Ref)
	if err != nil {
		return err
	}
	defer st.Close()
	w := opts.IO.Out
	if opts.Dataset == "" {
		for _, d := range cells.Datasets(sn, "") {
			m := sn.Meta(d)
			ti, _ := sn.Table(d, cells.CellClass)
			tax := m["taxonomy"]
			if tax == nil {
				tax = "-"
			}
			fmt.Fprintf(w, "%-24s %-16v %10d cells  taxonomy %v\n", d, m["modality"], ti.Rows, tax)
		}
		return nil
	}
	ct, err := sn.Table(opts.Dataset, cells.CellClass)
	if err != nil {
		return fmt.Errorf("%w (list the cell datasets with 'ccc cells show')", err)
	}
	var acr func(sql.NullInt64) string = func(v sql.NullInt64) string {
		if !v.Valid {
			return "-"
		}
		return fmt.Sprint(v.Int64)
	}
	if names := atlas.Names(sn); len(names) > 0 {
		if name, ok := sn.Meta(opts.Dataset)["atlas"].(string); ok {
			if a, err := atlas.Open(st, ref, name); err == nil {
				acr = func(v sql.NullInt64) string {
					if r, ok := a.Ontology.ByID(v.Int64); ok && v.Valid {
						return r.Acronym
					}
					return "-"
				}
			}
		}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	clusters := "(SELECT NULL::VARCHAR AS source_cell, NULL::VARCHAR AS target_cluster, NULL::DOUBLE AS score WHERE false)"
	if mt, err := sn.Table(opts.Dataset, cells.CellClusterMap); err == nil {
		clusters = "read_parquet(" + store.QuoteString(mt.Path) + ")"
	}
	rows, err := db.QueryContext(ctx, `SELECT c.cell_id, c.spatial_location_x, c.spatial_location_y, c.spatial_location_z, c.brain_region, c.region_source,
		c.ccf_region, c.location_region, m.target_cluster, m.score FROM read_parquet(`+store.QuoteString(ct.Path)+`) c
		LEFT JOIN `+clusters+` m ON m.source_cell = c.cell_id LIMIT ?`, opts.Limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Fprintf(w, "%-20s %10s %10s %10s %-10s %-8s %-10s %-10s %-24s %s\n", "cell_id", "x", "y", "z", "region", "source", "ccf", "label", "cluster", "score")
	for rows.Next() {
		var id string
		var x, y, z, score sql.NullFloat64
		var br, ccf, loc sql.NullInt64
		var src, clu sql.NullString
		if err := rows.Scan(&id, &x, &y, &z, &br, &src, &ccf, &loc, &clu, &score); err != nil {
			return err
		}
		f := func(v sql.NullFloat64) string {
			if !v.Valid {
				return "-"
			}
			return fmt.Sprintf("%.1f", v.Float64)
		}
		fmt.Fprintf(w, "%-20s %10s %10s %10s %-10s %-8s %-10s %-10s %-24s %s\n", id, f(x), f(y), f(z), acr(br), orDash(src.String), acr(ccf), acr(loc), orDash(clu.String), f(score))
	}
	return rows.Err()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
