package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/store"
)

// refFlags are the --version/--timestamp flags of every reading command.
type refFlags struct {
	Version   int
	Timestamp string
}

func (r *refFlags) add(cmd *cobra.Command) {
	cmd.Flags().IntVar(&r.Version, "version", 0, "read store version N (default latest)")
	cmd.Flags().StringVar(&r.Timestamp, "timestamp", "", "read the store as of this time (RFC 3339 or YYYY-MM-DD[THH:MM:SS], UTC)")
}

// ref converts the flags to a store.Ref.
func (r *refFlags) ref() (store.Ref, error) {
	if r.Version < 0 {
		return store.Ref{}, usageErr("--version must be positive")
	}
	if r.Version > 0 && r.Timestamp != "" {
		return store.Ref{}, usageErr("give --version or --timestamp, not both")
	}
	if r.Timestamp == "" {
		return store.Ref{Version: r.Version}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, r.Timestamp); err == nil {
			return store.Ref{Time: t.UTC()}, nil
		}
	}
	return store.Ref{}, usageErr("cannot parse --timestamp %q (use RFC 3339, e.g. 2026-11-22T03:00:00Z)", r.Timestamp)
}

type versionsOptions struct {
	IO      *IO
	Global  *globalOptions
	Dataset string
	Format  string
}

func init() { register(20, newCmdVersions) }

func newCmdVersions(io *IO, g *globalOptions) *cobra.Command {
	opts := &versionsOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "versions",
		Short: "List store versions (what each commit wrote, when, from what)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runVersions(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dataset, "dataset", "", "only versions that wrote this dataset")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "output format: table or json")
	return cmd
}

// versionSummary is one line of 'ccc versions'.
type versionSummary struct {
	Version       int              `json:"version"`
	Dataset       string           `json:"dataset"`
	Time          time.Time        `json:"time"`
	Message       string           `json:"message,omitempty"`
	SourceURI     string           `json:"source_uri,omitempty"`
	Inputs        []store.Input    `json:"inputs,omitempty"`
	Params        map[string]any   `json:"params,omitempty"`
	CCCVersion    string           `json:"ccc_version"`
	SchemaVersion string           `json:"schema_version,omitempty"`
	Changed       store.Changes    `json:"changed"`
	Tables        map[string]int64 `json:"tables"` // class -> rows of the dataset at this version
	Artifacts     []string         `json:"artifacts,omitempty"`
}

func runVersions(opts *versionsOptions) error {
	if opts.Format != "table" && opts.Format != "json" {
		return usageErr("--format must be table or json, not %q", opts.Format)
	}
	s, err := openStoreCLI(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer s.Close()
	vs, err := s.Versions(opts.Dataset)
	if err != nil {
		return err
	}
	sums := make([]versionSummary, 0, len(vs))
	for _, v := range vs {
		sm := versionSummary{Version: v.Number, Dataset: v.Dataset, Time: v.Time, Message: v.Message, SourceURI: v.SourceURI,
			Inputs: v.Inputs, Params: v.Params, CCCVersion: v.CCCVersion, SchemaVersion: v.SchemaVersion, Changed: v.Changed, Tables: map[string]int64{}}
		if st := v.Datasets[v.Dataset]; st != nil {
			for c, t := range st.Tables {
				sm.Tables[c] = t.Rows
			}
			for a := range st.Artifacts {
				sm.Artifacts = append(sm.Artifacts, a)
			}
			sort.Strings(sm.Artifacts)
		}
		sums = append(sums, sm)
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(sums)
	}
	if len(sums) == 0 {
		if opts.Dataset != "" {
			fmt.Fprintf(opts.IO.Out, "no versions of dataset %q in %s\n", opts.Dataset, s.Dir())
		} else {
			fmt.Fprintf(opts.IO.Out, "no versions yet in %s (write one with 'ccc ingest')\n", s.Dir())
		}
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tDATASET\tTIME (UTC)\tCHANGED\tMESSAGE")
	for _, sm := range sums {
		var ch []string
		for _, c := range sm.Changed.Tables {
			ch = append(ch, fmt.Sprintf("%s (%d rows)", c, sm.Tables[c]))
		}
		for _, a := range sm.Changed.Artifacts {
			ch = append(ch, a)
		}
		for _, c := range sm.Changed.DroppedTables {
			ch = append(ch, "-"+c)
		}
		for _, a := range sm.Changed.DroppedArtifacts {
			ch = append(ch, "-"+a)
		}
		if len(ch) == 0 {
			ch = []string{"-"}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", sm.Version, sm.Dataset, sm.Time.Format("2006-01-02 15:04:05"), strings.Join(ch, ", "), versionsOneLine(sm.Message))
	}
	return tw.Flush()
}

func versionsOneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 70 {
		s = s[:67] + "..."
	}
	return s
}
