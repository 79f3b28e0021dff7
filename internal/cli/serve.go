package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/server"
	"github.com/ccc-connectivity/ccc/store"
)

type serveOptions struct {
	IO       *IO
	Global   *globalOptions
	Addr     string
	Auth     string
	AllowSQL bool
	Cfg      server.Config
	MaxBody  int64
}

func init() { register(90, newCmdServe) }

func newCmdServe(io *IO, g *globalOptions) *cobra.Command {
	opts := &serveOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "serve [--store DIR] [--addr 127.0.0.1:8080] [--auth tokens.yaml] [--allow-sql]",
		Short: "Serve the store over HTTP: JSON/CSV/Parquet/Arrow API, OpenAPI at /openapi.json",
		Long: `Serves a read API over the store (versions, tables with filters and paging, atlas,
synapses through the graph index, projections) with results streamed as JSON, CSV,
Parquet or Arrow IPC (Accept header or ?format=). The API is described at
/openapi.json; /healthz and /metrics (Prometheus) are always open.

Without --auth, reads are open and writes refused. With --auth FILE (YAML: public_read,
tokens [{name, token, read: [DATASET|*], write: [DATASET|*]}]) reads need a token with
read scope (unless public_read: true) and POST ingests one with write scope.
--allow-sql enables POST /api/v1/sql: read-only, no file or network access.`,
		Example: `  ccc serve --store ccc-quickstart/store
  curl 'http://127.0.0.1:8080/api/v1/tables/BrainRegion?eq.acronym=VISp&format=csv'
  curl -H 'Accept: application/vnd.apache.arrow.stream' 'http://127.0.0.1:8080/api/v1/synapses/query?pre=864691135808473885'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runServe(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "listen address (port 0: any free port)")
	f.StringVar(&opts.Auth, "auth", "", "token file (YAML); without it reads are open and writes refused")
	f.BoolVar(&opts.AllowSQL, "allow-sql", false, "enable POST /api/v1/sql (read-only, external access off)")
	f.DurationVar(&opts.Cfg.RequestTimeout, "request-timeout", 5*time.Minute, "time limit of one request")
	f.StringVar(&opts.Cfg.MemoryLimit, "memory-limit", "512MB", "DuckDB memory limit of one request")
	f.IntVar(&opts.Cfg.Threads, "threads", 2, "threads of one request (DuckDB's, and Parquet decoding of a table stream)")
	f.Int64Var(&opts.MaxBody, "max-body", 256<<20, "request body limit in bytes (413 above)")
	f.DurationVar(&opts.Cfg.ReadHeaderTimeout, "read-header-timeout", 10*time.Second, "time to read request headers")
	f.DurationVar(&opts.Cfg.ReadTimeout, "read-timeout", 5*time.Minute, "time to read a whole request")
	f.DurationVar(&opts.Cfg.WriteTimeout, "write-timeout", 30*time.Minute, "time to write a whole response")
	f.DurationVar(&opts.Cfg.IdleTimeout, "idle-timeout", 2*time.Minute, "keep-alive idle time")
	return cmd
}

func runServe(ctx context.Context, opts *serveOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.MaxBody <= 0 {
		return usageErr("--max-body must be positive")
	}
	if opts.Cfg.Threads <= 0 {
		return usageErr("--threads must be positive")
	}
	for name, d := range map[string]time.Duration{"--request-timeout": opts.Cfg.RequestTimeout, "--read-header-timeout": opts.Cfg.ReadHeaderTimeout,
		"--read-timeout": opts.Cfg.ReadTimeout, "--write-timeout": opts.Cfg.WriteTimeout, "--idle-timeout": opts.Cfg.IdleTimeout} {
		if d <= 0 {
			return usageErr("%s must be positive", name)
		}
	}
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	cfg := opts.Cfg
	cfg.Store, cfg.AllowSQL, cfg.MaxBodyBytes = st, opts.AllowSQL, opts.MaxBody
	if opts.Auth != "" {
		if cfg.Tokens, err = server.LoadTokens(opts.Auth); err != nil {
			return err
		}
	}
	if !opts.Global.Quiet {
		cfg.Logger = slog.New(slog.NewJSONHandler(opts.IO.ErrOut, nil))
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return usageErr("--addr %s: %v", opts.Addr, err)
	}
	hs := srv.HTTPServer(ln.Addr().String())
	fmt.Fprintf(opts.IO.Out, "ccc serve: %s at http://%s (API /api/v1, OpenAPI /openapi.json)\n", st.Dir(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
