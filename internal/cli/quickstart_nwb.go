package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/nwb"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { registerQuickstartStep(50, "nwb", quickstartNWB) }

// quickstartNWB reads an NWB file (the real Allen Neuropixels LFP file when
// present, else a small synthetic session written with libhdf5), prints
// its summary and electrodes, slices its ElectricalSeries lazily, exports
// the electrodes table as CSV, writes its cached specification as LinkML,
// ingests the session into the demo store with atlas regions and validates
// every table the ingest wrote against its schema class.
func quickstartNWB(q *quickstartEnv) error {
	w := q.IO.Out
	src := q.DataFile("nwb/aibs_ecephys.nwb")
	if src == "" {
		src = filepath.Join(q.OutDir, "synthetic_session.nwb")
		if err := nwb.WriteSynthetic(src, nwb.SynthOptions{Electrodes: 32, Samples: 3000, Units: 12, Seed: 1}); err != nil {
			return err
		}
		fmt.Fprintf(w, "   (no real NWB file: wrote a synthetic session %s)\n", filepath.Base(src))
	}
	f, err := nwb.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.CheckTypes(); err != nil {
		return err
	}
	in, err := f.Info()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc nwb info %s\n", filepath.Base(src))
	fmt.Fprintf(w, "     NWB %s, session %s: %s\n", in.NWBVersion, in.Identifier, in.SessionDescription)
	var ns []string
	for _, n := range in.Namespaces {
		ns = append(ns, n.Name+" "+n.Version)
	}
	if len(ns) > 0 {
		fmt.Fprintf(w, "     cached specifications: %s\n", strings.Join(ns, ", "))
	}
	for _, t := range in.Tables {
		fmt.Fprintf(w, "     table %s (%s): %d rows, %d columns\n", t.Path, t.NeurodataType, t.Rows, len(t.Columns))
	}

	el, err := f.Table(nwb.ElectrodesPath)
	if err != nil {
		return err
	}
	fr, err := el.Frame(nwb.FrameOptions{})
	if err != nil {
		return err
	}
	csvPath := filepath.Join(q.OutDir, "nwb_electrodes.csv")
	fh, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	if err := fr.WriteCSV(fh); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc nwb table %s %s --out nwb_electrodes.csv\n", filepath.Base(src), nwb.ElectrodesPath)
	loc, _ := el.Column("location")
	if cd, err := loc.Read(); err == nil {
		counts := map[string]int{}
		for i := 0; i < cd.Len(); i++ {
			counts[fmt.Sprint(cd.Cell(i))]++
		}
		fmt.Fprintf(w, "     %d electrodes, locations %v\n", el.Rows, counts)
	}
	q.Output("NWB electrodes table (CSV)", csvPath)

	// the first ElectricalSeries, sliced lazily
	var series string
	in.Tree.Walk(func(n *nwb.Node) {
		if series == "" && n.NeurodataType == "ElectricalSeries" && n.Link == "" {
			series = n.Path
		}
	})
	if series != "" {
		s, err := f.Series(series)
		if err != nil {
			return err
		}
		shape := s.Shape()
		a, err := s.Data().Slice([]int{0, 0}, []int{min(3, shape[0]), min(3, shape[1])})
		if err != nil {
			return err
		}
		v, _ := a.Float64s()
		fmt.Fprintf(w, "   ccc nwb series %s %s\n     data %s %v (chunks %v); Data().Slice(0:3, 0:3) = %.4g\n",
			filepath.Base(src), series, s.Data().Type, shape, s.Data().Chunks, v)
	}

	if ns != nil {
		y, err := f.LinkML(nwb.LinkMLOptions{})
		if err != nil {
			return err
		}
		sp := filepath.Join(q.OutDir, "nwb_schema.yaml")
		if err := os.WriteFile(sp, y, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "   ccc nwb schema %s --out nwb_schema.yaml\n     %d classes of LinkML from the cached NWB specifications\n",
			filepath.Base(src), strings.Count(string(y), "\n    annotations:\n      namespace:"))
		q.Output("NWB schema of the file as LinkML (YAML)", sp)
	}

	// into the store, with regions from the atlas of the earlier step
	st, err := store.Init(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := nwb.IngestOptions{Dataset: "nwb_demo", Message: "quickstart: NWB session"}
	if a, err := atlas.Open(st, store.Ref{}, ""); err == nil {
		opts.Ontology = a.Ontology
		if res := a.Resolutions(); len(res) > 0 {
			finest := res[0]
			for _, r := range res {
				finest = min(finest, r)
			}
			if v, err := a.Volume(finest); err == nil {
				opts.Locate = nwb.VolumeLocator(a.Ontology, v)
			}
		}
	} else if o, err := atlas.LoadDefault(); err == nil {
		opts.Ontology = o
	}
	rep, err := nwb.Ingest(q.Ctx, st, []string{src}, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc nwb ingest %s --dataset nwb_demo\n     store version %d: %d RecordingSite, %d SortedUnit; regions %d from CCF, %d from location labels, %d unresolved; %d notes\n",
		filepath.Base(src), rep.Version, rep.Electrodes, rep.Units, rep.Regions.FromCCF, rep.Regions.FromLocation, rep.Regions.Unresolved, len(rep.Notes))
	for i, n := range rep.Notes {
		if i == 3 {
			fmt.Fprintf(w, "     ...\n")
			break
		}
		ccf := ""
		if n.CCFRegion != "" {
			ccf = ", CCF " + n.CCFRegion
		}
		fmt.Fprintf(w, "     note: electrode %d labelled %q%s: %s\n", n.ElectrodeID, n.Location, ccf, n.Problem)
	}
	// one schema: every table the ingest wrote validates against its class
	counts, err := validateDatasetTables(q, st, opts.Dataset)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc validate --class <class> <each table of nwb_demo>   (closed world)\n     %s: 0 errors\n", counts)
	return nil
}

// validateDatasetTables validates every table of a dataset (latest version)
// against its class of the built-in schema, closed world, as `ccc validate`
// does; it returns "Class rows, ..." or an error naming the first violations.
func validateDatasetTables(q *quickstartEnv, st *store.Store, dataset string) (string, error) {
	s, err := loadLinkMLSchema(q.IO, "", false)
	if err != nil {
		return "", err
	}
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return "", err
	}
	var parts []string
	for _, tab := range sn.AllTables() {
		if tab.Dataset != dataset {
			continue
		}
		v, err := s.NewValidator(tab.Class, linkml.ValidateOptions{})
		if err != nil {
			return "", err
		}
		vs := v.NewStream()
		vs.Source = tab.Path
		var viol []linkml.Violation
		n, err := validateParquet(&validateOptions{ctx: q.Ctx, Closed: true}, s, v, vs, tab.Path, &viol)
		if err != nil {
			return "", err
		}
		if viol = vs.Finish(viol); len(viol) > 0 {
			msgs := make([]string, 0, 3)
			for _, vi := range viol[:min(3, len(viol))] {
				msgs = append(msgs, vi.String())
			}
			return "", fmt.Errorf("%w: table %s of dataset %s does not conform to its class: %d errors: %s",
				ccc.ErrInvalidData, tab.Class, dataset, len(viol), strings.Join(msgs, "; "))
		}
		parts = append(parts, fmt.Sprintf("%s %d", tab.Class, n))
	}
	return strings.Join(parts, ", "), nil
}
