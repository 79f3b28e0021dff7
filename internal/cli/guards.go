package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/store"
)

// addWaitFlag gives a writing command the --wait DURATION flag: the command's
// context then carries the wait (store.WithWait), which every store write
// of the command (Begin, GC) uses. Without it a second writer fails at once
// with exit code 3 (ExitLocked), naming the writer holding the lock.
func addWaitFlag(cmd *cobra.Command) {
	d := new(time.Duration)
	cmd.Flags().DurationVar(d, "wait", 0, "wait up to this long for another writer to finish (e.g. 30s, 2m; default: fail at once, exit 3)")
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if *d < 0 {
			return usageErr("--wait must be a positive duration such as 30s or 2m, not %s", *d)
		}
		c.SetContext(store.WithWait(c.Context(), *d))
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

// outputFlags are the flags through which commands write files of their own
// (results, reports, images, kept downloads).
var outputFlags = []string{"out", "png", "report", "metadata-csv", "keep"}

// checkOutputFlags refuses, for every command, an output flag that points
// inside the store directory (store.CheckOutputIn): read-only commands
// never write into the store, and writers only through a transaction.
func checkOutputFlags(c *cobra.Command, io *IO, g *globalOptions) error {
	for _, name := range outputFlags {
		f := c.Flags().Lookup(name)
		if f == nil || !f.Changed || f.Value.String() == "" || f.Value.String() == "-" {
			continue
		}
		if _, err := store.CheckOutputIn(g.StorePath(io), f.Value.String()); err != nil {
			return fmt.Errorf("--%s: %w", name, err)
		}
	}
	return nil
}
