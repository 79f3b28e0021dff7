package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/store"
)

type initOptions struct {
	IO     *IO
	Global *globalOptions
	Dir    string
}

func init() { register(10, newCmdInit) }

func newCmdInit(io *IO, g *globalOptions) *cobra.Command {
	opts := &initOptions{IO: io, Global: g}
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a store directory (default $CCC_STORE or ./ccc-data)",
		Long: `Create an empty ccc store: a directory of versioned Parquet tables and artifacts
with a DuckDB catalog (layout in docs/formats/store.md). Running it on an
existing store does nothing.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			return runInit(opts)
		},
	}
}

func runInit(opts *initOptions) error {
	dir := opts.Dir
	if dir == "" {
		dir = opts.Global.StorePath(opts.IO)
	}
	existed := false
	if s, err := store.Open(dir); err == nil {
		existed = true
		s.Close()
	}
	s, err := store.Init(dir)
	if err != nil {
		return err
	}
	defer s.Close()
	if existed {
		n, _ := s.Latest()
		fmt.Fprintf(opts.IO.Out, "ccc store %s already exists (latest version %d)\n", s.Dir(), n)
		return nil
	}
	fmt.Fprintf(opts.IO.Out, "initialized empty ccc store in %s\n", s.Dir())
	return nil
}

// openStoreCLI opens the store named by --store / $CCC_STORE / ./ccc-data.
func openStoreCLI(io *IO, g *globalOptions) (*store.Store, error) {
	s, err := store.Open(g.StorePath(io))
	if err == nil {
		s.SetWarnings(io.ErrOut)
	}
	return s, err
}
