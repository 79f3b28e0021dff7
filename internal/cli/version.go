package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
)

func init() { register(900, newCmdVersion) }

func newCmdVersion(io *IO, _ *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the ccc version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(io.Out, "ccc %s (%s)\n", ccc.Version, runtime.Version())
			return err
		},
	}
}
