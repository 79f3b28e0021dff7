package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/progress"
	"github.com/ccc-connectivity/ccc/store"
)

type checkOptions struct {
	IO     *IO
	Global *globalOptions
	Quick  bool
	Format string
}

func init() { register(80, newCmdCheck) }

func newCmdCheck(io *IO, g *globalOptions) *cobra.Command {
	opts := &checkOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify the store: every version's files present, checksums and row counts match",
		Long: `Verify every version of the store: manifests parse, every table file exists with
the recorded size, SHA-256 and Parquet row count, every artifact directory matches
its tree hash. Leftovers of interrupted writes are listed as notes ('ccc gc'
removes them); a stale DuckDB catalog is rebuilt. Exit 1 when a problem is found.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runCheck(c, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Quick, "quick", false, "skip checksums (presence, sizes and row counts only)")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

func runCheck(c *cobra.Command, opts *checkOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usageErr("--format must be text or json, not %q", opts.Format)
	}
	s, err := openStoreCLI(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer s.Close()
	bar := progress.New(opts.IO.ErrOut, "check", "files", 0, opts.Global.Quiet)
	last := 0
	r, err := s.Check(c.Context(), store.CheckOptions{Quick: opts.Quick, Progress: func(done, total int) {
		bar.Add(int64(done - last))
		last = done
	}})
	bar.Finish()
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		status := "OK"
		if !r.OK() {
			status = fmt.Sprintf("%d problem(s)", len(r.Problems))
		}
		fmt.Fprintf(opts.IO.Out, "store %s: %d version(s), latest %d, %d table file(s) and %d artifact(s) verified: %s\n",
			s.Dir(), r.Versions, r.Latest, r.Tables, r.Artifacts, status)
		for _, p := range r.Problems {
			fmt.Fprintf(opts.IO.Out, "  PROBLEM %s\n", p)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(opts.IO.Out, "  note: %s\n", n)
		}
	}
	if !r.OK() {
		return fmt.Errorf("store check found %d problem(s): %w", len(r.Problems), ccc.ErrInvalidData)
	}
	return nil
}
