package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"
)

// quickstartEnv is what every quickstart step gets.
type quickstartEnv struct {
	Ctx      context.Context
	IO       *IO
	StoreDir string // the demo store (created by the store step)
	OutDir   string // where steps write tables and PNGs for the user
	DataDir  string // ../shared/data style directory with real files; "" when absent
	Offline  bool   // never touch the network (always true for now)
	Quiet    bool
	outputs  []string
}

// Output records a file the user should look at.
func (q *quickstartEnv) Output(what, path string) {
	q.outputs = append(q.outputs, fmt.Sprintf("%-44s %s", what, path))
}

// DataFile returns the path of a real data file under DataDir, or "" when
// it is not there (the step then builds realistic synthetic data).
func (q *quickstartEnv) DataFile(rel string) string {
	if q.DataDir == "" {
		return ""
	}
	p := filepath.Join(q.DataDir, rel)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

type quickstartStep struct {
	order int
	name  string
	run   func(q *quickstartEnv) error
}

var quickstartSteps []quickstartStep

// registerQuickstartStep adds one capability to 'ccc quickstart'. Steps run
// in order; each builds on the store the earlier ones filled.
func registerQuickstartStep(order int, name string, run func(q *quickstartEnv) error) {
	quickstartSteps = append(quickstartSteps, quickstartStep{order, name, run})
}

type quickstartOptions struct {
	IO      *IO
	Global  *globalOptions
	OutDir  string
	DataDir string
	Only    []string
}

func init() { register(0, newCmdQuickstart) }

func newCmdQuickstart(io *IO, g *globalOptions) *cobra.Command {
	opts := &quickstartOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "quickstart",
		Short: "Build a demo store from real data (or realistic synthetic data) and run every capability end to end",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runQuickstart(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.OutDir, "out", "ccc-quickstart", "directory for the demo store and its outputs")
	cmd.Flags().StringVar(&opts.DataDir, "data", "", "directory of real data files (default ../shared/data when present)")
	cmd.Flags().StringSliceVar(&opts.Only, "only", nil, "run only these steps (by name)")
	return cmd
}

func runQuickstart(ctx context.Context, opts *quickstartOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	data := opts.DataDir
	if data == "" {
		for _, cand := range []string{"../shared/data", "shared/data"} {
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				data = cand
				break
			}
		}
	}
	out, err := filepath.Abs(opts.OutDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	storeDir := opts.Global.StoreDir
	if storeDir == "" {
		storeDir = filepath.Join(out, "store")
	}
	q := &quickstartEnv{Ctx: ctx, IO: opts.IO, StoreDir: storeDir, OutDir: out, DataDir: data, Offline: true, Quiet: opts.Global.Quiet}
	steps := append([]quickstartStep(nil), quickstartSteps...)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].order < steps[j].order })
	only := map[string]bool{}
	for _, s := range opts.Only {
		only[s] = true
	}
	src := "synthetic data only (no real data directory found)"
	if data != "" {
		src = "real data from " + data + " where present, synthetic otherwise"
	}
	fmt.Fprintf(opts.IO.Out, "ccc quickstart: store %s, outputs %s\n  using %s\n", storeDir, out, src)
	for _, s := range steps {
		if len(only) > 0 && !only[s.name] {
			continue
		}
		t0 := time.Now()
		fmt.Fprintf(opts.IO.Out, "\n== %s\n", s.name)
		if err := s.run(q); err != nil {
			return fmt.Errorf("quickstart step %s: %w", s.name, err)
		}
		fmt.Fprintf(opts.IO.Out, "   (%s)\n", time.Since(t0).Round(time.Millisecond))
	}
	fmt.Fprintf(opts.IO.Out, "\nOutputs:\n")
	for _, o := range q.outputs {
		fmt.Fprintf(opts.IO.Out, "  %s\n", o)
	}
	return nil
}
