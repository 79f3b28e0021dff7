// Package cli implements the ccc command line. Each subcommand lives in its
// own file with an options struct and a run<Verb>(opts) function, registered
// with register() from that file's init, so that flag parsing and behaviour
// can be tested separately.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
)

// IO carries the streams and environment a command runs with; tests swap it.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Getenv looks up environment variables (os.Getenv by default).
	Getenv func(string) string
}

// globalOptions are flags every command sees.
type globalOptions struct {
	StoreDir string
	Quiet    bool
}

// StorePath returns the store directory: --store, then $CCC_STORE, then ./ccc-data.
func (g *globalOptions) StorePath(io *IO) string {
	if g.StoreDir != "" {
		return g.StoreDir
	}
	if v := io.Getenv("CCC_STORE"); v != "" {
		return v
	}
	return "ccc-data"
}

// factory builds one top-level command.
type factory struct {
	order int
	fn    func(io *IO, g *globalOptions) *cobra.Command
}

var factories []factory

// register adds a top-level command. order sorts the help listing.
func register(order int, fn func(io *IO, g *globalOptions) *cobra.Command) {
	factories = append(factories, factory{order, fn})
}

// NewRootCmd builds the command tree bound to the given streams.
func NewRootCmd(io *IO) *cobra.Command {
	if io.Getenv == nil {
		io.Getenv = os.Getenv
	}
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "ccc",
		Short: "common connectivity: one schema, store and API for mouse-brain connectivity data",
		Long: `ccc brings EM synapse tables, mesoscale projections, single-cell morphology,
NWB recordings and the Allen CCF atlas into one LinkML schema and one versioned store.

Run 'ccc quickstart' to build a demo store and see every capability end to end.`,
		Version:       ccc.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	root.PersistentFlags().StringVar(&g.StoreDir, "store", "", "store directory (default $CCC_STORE or ./ccc-data)")
	root.PersistentFlags().BoolVarP(&g.Quiet, "quiet", "q", false, "no progress bars or summaries on stderr")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %v (see '%s --help')", ccc.ErrUsage, err, c.CommandPath())
	})
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return checkOutputFlags(c, io, g) }
	fs := append([]factory(nil), factories...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].order < fs[j].order })
	for _, f := range fs {
		root.AddCommand(f.fn(io, g))
	}
	attachSubcommands(root, io, g)
	return root
}

// Main runs ccc with the process's arguments and returns the exit code.
func Main() int {
	isolation = true
	return Run(context.Background(), os.Args[1:], &IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Getenv: os.Getenv})
}

// Run executes one command line and returns its exit code; errors are
// printed on io.ErrOut.
func Run(ctx context.Context, args []string, io *IO) int {
	root := NewRootCmd(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ce *childExit
	if err != nil && !errors.As(err, &ce) {
		msg, _ := outOfMemoryHint(err.Error())
		fmt.Fprintf(io.ErrOut, "ccc: %s\n", msg)
	}
	return ExitCode(err)
}

// usageErr wraps a message as a usage error.
func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ccc.ErrUsage, fmt.Sprintf(format, a...))
}
