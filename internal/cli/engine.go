package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/engine/spark"
	"github.com/ccc-connectivity/ccc/store"
)

// engineFlags choose the engine of a reading command: the embedded DuckDB
// (default) or a Spark cluster through Spark Connect.
type engineFlags struct {
	Engine   string
	Remote   string
	StoreURI string
	MaxRows  int64 // 0: spark.DefaultMaxRows
}

func (e *engineFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&e.Engine, "engine", "duckdb", "duckdb (embedded) or spark (a Spark Connect server, see --spark-remote)")
	cmd.Flags().StringVar(&e.Remote, "spark-remote", "", "with --engine spark: the server, sc://HOST:PORT (default $CCC_SPARK_REMOTE, else "+spark.DefaultRemote+")")
	cmd.Flags().StringVar(&e.StoreURI, "spark-store-uri", "", "with --engine spark: the store directory as the cluster sees it, e.g. file:///shared/ccc-data, hdfs://nn/ccc-data, s3a://bucket/ccc-data (default $CCC_SPARK_STORE_URI, else this machine's path)")
	cmd.Flags().Int64Var(&e.MaxRows, "spark-max-rows", 0, fmt.Sprintf("with --engine spark: refuse a result of more rows (the Go Spark client holds a whole result in memory; default %d)", spark.DefaultMaxRows))
}

// maxRows is the row bound of results collected from Spark.
func (e *engineFlags) maxRows() int64 {
	if e.MaxRows == 0 {
		return spark.DefaultMaxRows
	}
	return e.MaxRows
}

// spark reports whether Spark was chosen; Spark flags without --engine
// spark are refused rather than ignored.
func (e *engineFlags) spark() (bool, error) {
	switch strings.ToLower(e.Engine) {
	case "", "duckdb":
		if e.Remote != "" || e.StoreURI != "" || e.MaxRows != 0 {
			return false, usageErr("--spark-remote, --spark-store-uri and --spark-max-rows need --engine spark")
		}
		return false, nil
	case "spark":
		if e.MaxRows < 0 {
			return false, usageErr("--spark-max-rows must be positive")
		}
		return true, nil
	}
	return false, usageErr("--engine %q: want duckdb or spark", e.Engine)
}

// openSpark opens the store version ref selects, connects to Spark and
// registers the version's tables as views (only classes, when given). The
// caller closes both.
func (e *engineFlags) openSpark(ctx context.Context, io *IO, g *globalOptions, r refFlags, classes ...string) (*store.Store, *store.Snapshot, *spark.Session, error) {
	ref, err := r.ref()
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := openStoreCLI(io, g)
	if err != nil {
		return nil, nil, nil, err
	}
	sn, err := st.Snapshot(ref)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	s, err := e.connect(ctx, st, sn, classes...)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return st, sn, s, nil
}

// connect connects to Spark and registers version sn of st (only classes,
// when given). The caller closes the session.
func (e *engineFlags) connect(ctx context.Context, st *store.Store, sn *store.Snapshot, classes ...string) (*spark.Session, error) {
	s, err := spark.Connect(ctx, spark.Options{Remote: e.Remote, StoreURI: e.StoreURI})
	if err != nil {
		return nil, err
	}
	if err := s.Register(ctx, st, sn, classes...); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
