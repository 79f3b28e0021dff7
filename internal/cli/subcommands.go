package cli

import (
	"sort"

	"github.com/spf13/cobra"
)

// subFactory builds one subcommand of a top-level command that another
// file owns (or that may not exist yet).
type subFactory struct {
	parent, parentShort string
	order               int
	fn                  func(io *IO, g *globalOptions) *cobra.Command
}

var subFactories []subFactory

// registerSub adds a subcommand to the top-level command named parent,
// whichever file registers that parent; when no file does, a bare parent
// with parentShort as its help line is made. Lets a capability add
// 'ccc cells genes' without editing the file that owns 'ccc cells'.
func registerSub(parent, parentShort string, order int, fn func(io *IO, g *globalOptions) *cobra.Command) {
	subFactories = append(subFactories, subFactory{parent, parentShort, order, fn})
}

// attachSubcommands adds the registered subcommands to their parents.
func attachSubcommands(root *cobra.Command, io *IO, g *globalOptions) {
	fs := append([]subFactory(nil), subFactories...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].order < fs[j].order })
	for _, s := range fs {
		var p *cobra.Command
		for _, c := range root.Commands() {
			if c.Name() == s.parent {
				p = c
				break
			}
		}
		if p == nil {
			p = &cobra.Command{Use: s.parent, Short: s.parentShort}
			root.AddCommand(p)
		}
		p.AddCommand(s.fn(io, g))
	}
}
