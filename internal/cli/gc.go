package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/internal/progress"
	"github.com/ccc-connectivity/ccc/store"
)

type gcOptions struct {
	IO     *IO
	Global *globalOptions
	DryRun bool
	Wait   time.Duration
	Format string
}

func init() { register(85, newCmdGC) }

func newCmdGC(io *IO, g *globalOptions) *cobra.Command {
	opts := &gcOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "gc",
		Short: "Remove files no version references (leftovers of interrupted writes)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runGC(c, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "list what would be removed, remove nothing")
	cmd.Flags().DurationVar(&opts.Wait, "wait", 0, "wait this long for a running writer (e.g. 30s)")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

func runGC(c *cobra.Command, opts *gcOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usageErr("--format must be text or json, not %q", opts.Format)
	}
	s, err := openStoreCLI(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.GC(c.Context(), store.GCOptions{DryRun: opts.DryRun, Wait: opts.Wait})
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	verb := "removed"
	if opts.DryRun {
		verb = "would remove"
	}
	for _, p := range r.Removed {
		fmt.Fprintf(opts.IO.Out, "%s %s\n", verb, p)
	}
	fmt.Fprintf(opts.IO.Out, "gc: %s %d item(s), %s bytes\n", verb, len(r.Removed), progress.Human(r.Bytes))
	return nil
}
