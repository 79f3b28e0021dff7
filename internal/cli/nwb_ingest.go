package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/progress"
	"github.com/ccc-connectivity/ccc/nwb"
	"github.com/ccc-connectivity/ccc/space"
	"github.com/ccc-connectivity/ccc/store"
)

type nwbIngestOptions struct {
	IO      *IO
	Global  *globalOptions
	Ctx     context.Context
	Path    string
	Dataset string
	Atlas   string
	Workers int
	Message string
	Append  bool
	JSON    bool
	Space   string
}

func newCmdNWBIngest(io *IO, g *globalOptions) *cobra.Command {
	o := &nwbIngestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest FILE|DIR --dataset D",
		Short: "Add NWB sessions to the store: DataItem, RecordingSession, RecordingSite (electrodes, with regions) and SortedUnit rows",
		Long: `Reads one NWB file or every .nwb file below a directory (in parallel) and writes,
in one store version for dataset D: DataSet, DataItem and RecordingSession (one
per session: file, NWB version, start time, description, subject), RecordingSite
(electrodes with x, y, z, location and brain_region), SortedUnit (units with
quality metrics, peak channel and brain_region) and NWBArray (references to the
arrays, which stay in the NWB files); each table conforms to its class of the
built-in schema ('ccc validate --class C'). Electrode and unit ids are scoped by
the session (<identifier>:<id>, the file's id in electrode_id / unit_id), so
sessions numbered from 0 share one dataset. Electrode regions come
from the CCF position when an annotation volume is available, else from the
file's location label through the atlas ontology; disagreements are reported.
Positions in another space than the CCF in um (--space NAME, built-in or
registered with 'ccc space add') are mapped to the CCF first and kept as given,
with coordinate_space, space_transform (with its version) and the CCF point
(ccf_ap_um, ccf_dv_um, ccf_ml_um); without an annotation volume --space is
refused.
A bad file is reported and skipped; nothing of it is stored.

Each ingest writes a new version of the dataset whose sessions are the ones
given: earlier sessions of the dataset are replaced (they stay readable with
--version). With --append the dataset keeps its sessions and gains these; a
session identifier it already holds rejects that file.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Ctx, o.Path = c.Context(), args[0]
			return runNWBIngest(o)
		},
	}
	cmd.Flags().StringVar(&o.Dataset, "dataset", "", "dataset name in the store (required)")
	cmd.Flags().StringVar(&o.Atlas, "atlas", "", "atlas in the store for region lookup (default: the only one; else the Allen CCF 2017 ontology when available)")
	cmd.Flags().IntVar(&o.Workers, "workers", 0, "files read in parallel (default min(4, CPUs))")
	cmd.Flags().StringVar(&o.Message, "message", "", "message recorded with the version")
	cmd.Flags().BoolVar(&o.Append, "append", false, "keep the dataset's sessions and add these (default: they replace the dataset's sessions)")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the report as JSON")
	cmd.Flags().StringVar(&o.Space, "space", "", "coordinate space of the electrodes' x, y, z when not the CCF in um (ccc space list): mapped to the CCF for regions, kept as given")
	addWaitFlag(cmd)
	return cmd
}

func runNWBIngest(o *nwbIngestOptions) error {
	if o.Dataset == "" {
		return usageErr("--dataset is required")
	}
	files, err := nwb.NWBFiles(o.Path)
	if err != nil {
		return err
	}
	st, err := openStoreCLI(o.IO, o.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := nwb.IngestOptions{Dataset: o.Dataset, Workers: o.Workers, Message: o.Message, Append: o.Append, Check: probeNWB}
	if a, err := atlas.Open(st, store.Ref{}, o.Atlas); err == nil {
		opts.Ontology = a.Ontology
		if res := a.Resolutions(); len(res) > 0 {
			finest := res[0]
			for _, r := range res {
				finest = min(finest, r)
			}
			if v, err := a.Volume(finest); err == nil {
				opts.Locate = nwb.VolumeLocator(a.Ontology, v)
			} else {
				return err
			}
		}
	} else if o.Atlas != "" {
		return err
	} else if ont, err := atlas.LoadDefault(); err == nil {
		opts.Ontology = ont
	} else if !o.Global.Quiet {
		fmt.Fprintf(o.IO.ErrOut, "ccc: note: no atlas in the store and no default ontology: electrodes get no brain_region\n")
	}
	if o.Space != "" && o.Space != space.CCF {
		sn, err := st.Snapshot(store.Ref{})
		if err != nil {
			return err
		}
		reg, err := space.Load(o.Ctx, sn)
		if err != nil {
			return err
		}
		if opts.Space, err = reg.Mapping(o.Space); err != nil {
			return err
		}
	}
	bar := progress.New(o.IO.ErrOut, "nwb ingest", "files", int64(len(files)), o.Global.Quiet)
	last := 0
	opts.Progress = func(done, total int) {
		bar.Add(int64(done - last))
		last = done
	}
	rep, err := nwb.Ingest(o.Ctx, st, files, opts)
	bar.Finish()
	if rep == nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(rep); jerr != nil {
			return jerr
		}
	} else {
		printIngestReport(o.IO, rep)
	}
	if err != nil {
		return err
	}
	if rep.Bad > 0 {
		return fmt.Errorf("%w: %d of %d NWB files were skipped (see above); the %d good ones are in version %d",
			ccc.ErrInvalidData, rep.Bad, len(rep.Files), rep.Good, rep.Version)
	}
	return nil
}

// newCmdNWBProbe is the hidden child of nwb ingest (isolate.go): it reads
// FILE as ingest does and stores nothing.
func newCmdNWBProbe(io *IO, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:    "probe FILE",
		Short:  "Read FILE as nwb ingest does, store nothing (child process of nwb ingest)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE:   func(c *cobra.Command, args []string) error { return nwb.Probe(args[0]) },
	}
}

func printIngestReport(io *IO, rep *nwb.IngestReport) {
	w := io.Out
	for _, f := range rep.Files {
		if f.Err != nil {
			fmt.Fprintf(io.ErrOut, "ccc: skipped %v\n", f.Err)
			continue
		}
		fmt.Fprintf(w, "%s: session %s, %d electrodes, %d units, %d arrays referenced\n", f.Path, f.Identifier, f.Electrodes, f.Units, f.Arrays)
		if f.UnknownPeakChannels > 0 {
			ids := make([]string, len(f.UnknownPeakChannelIDs))
			for i, id := range f.UnknownPeakChannelIDs {
				ids[i] = strconv.FormatInt(id, 10)
			}
			more := ""
			if len(ids) == 10 {
				more = ", ..."
			}
			fmt.Fprintf(io.ErrOut, "ccc: warning: %s: %d unit(s) have a peak_channel that is not an electrode of the file (electrode ids %s%s); their brain_region is empty\n",
				f.Path, f.UnknownPeakChannels, strings.Join(ids, ", "), more)
		}
	}
	if rep.Version > 0 {
		fmt.Fprintf(w, "dataset %s: version %d, %d file(s), %d electrodes, %d units\n", rep.Dataset, rep.Version, rep.Good, rep.Electrodes, rep.Units)
		fmt.Fprintf(w, "regions: %d from CCF position, %d from location label, %d unresolved\n",
			rep.Regions.FromCCF, rep.Regions.FromLocation, rep.Regions.Unresolved)
	}
	for _, n := range rep.Notes {
		ccf := ""
		if n.CCFRegion != "" {
			ccf = " (CCF: " + n.CCFRegion + ")"
		}
		fmt.Fprintf(w, "note: %s electrode %d location %q%s: %s\n", n.File, n.ElectrodeID, n.Location, ccf, n.Problem)
	}
}
