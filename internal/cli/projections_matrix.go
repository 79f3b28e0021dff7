package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/plot"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

func init() {
	projectionSubs = append(projectionSubs, newCmdProjectionsMatrix, newCmdProjectionsSlice)
}

func newCmdProjectionsMatrix(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "matrix",
		Short: "Projection matrices (experiments or cells x target regions): build, ingest, list, export",
		Long: `Projection matrices are stored as ProjectionMeasurementMatrix rows (region_index,
data_item_index) with their values in a chunked Zarr array (artifact matrix/NAME/values.zarr).

  ccc projections matrix build NAME --from unionizes --measurement projection_density IDS...
  ccc projections matrix build NAME --from grids --annotation annotation_100.nrrd --regions VISp,MOs IDS...
  ccc projections matrix ingest NAME mapseq_counts.csv --modality MAPseq --measurement barcode_count
  ccc projections matrix axons NAME cells/*.swc --regions VISp,VISl,MOs,CP,TH
  ccc projections matrix export NAME --format csv|parquet|zarr --out FILE --heatmap FILE.png
  ccc projections matrix list`,
	}
	cmd.AddCommand(newCmdMatrixBuild(io, g), newCmdMatrixIngest(io, g), newCmdMatrixAxons(io, g), newCmdMatrixExport(io, g), newCmdMatrixList(io, g))
	return cmd
}

type matrixBuildOptions struct {
	IO          *IO
	Global      *globalOptions
	Name        string
	IDs         []string
	IDsFile     string
	From        string
	Cache       string
	Resolution  int
	Measurement string
	Hemisphere  int
	Regions     string
	Annotation  string
	Dataset     string
	Ontology    string
	Description string
}

func newCmdMatrixBuild(io *IO, g *globalOptions) *cobra.Command {
	opts := &matrixBuildOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "build NAME [IDS...]",
		Short: "Build an experiments x regions matrix from cached unionizes or density grids",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name, opts.IDs = args[0], args[1:]
			return runMatrixBuild(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.IDsFile, "ids-file", "", "file with experiment ids")
	f.StringVar(&opts.From, "from", "unionizes", "unionizes (fetch --unionizes) or grids (summed through --annotation)")
	f.StringVar(&opts.Cache, "cache", "", "cache directory (default $CCC_PROJECTION_CACHE or ./allen-cache)")
	f.IntVar(&opts.Resolution, "resolution", 100, "grid resolution in um (--from grids)")
	f.StringVar(&opts.Measurement, "measurement", "projection_density", "projection_density, projection_energy, projection_volume, projection_intensity, normalized_projection_volume")
	f.IntVar(&opts.Hemisphere, "hemisphere", 3, "1 left, 2 right, 3 both (--from unionizes)")
	f.StringVar(&opts.Regions, "regions", "", "target regions, comma-separated (default: all in the unionizes)")
	f.StringVar(&opts.Annotation, "annotation", "", "annotation volume (.nrrd/.mhd) of the grid size (default: the atlas in the store)")
	f.StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset")
	f.StringVar(&opts.Ontology, "ontology", "", "region ontology file (default: the atlas in the store, else the Allen CCF 2017)")
	f.StringVar(&opts.Description, "description", "", "free text recorded with the matrix")
	addWaitFlag(cmd)
	return cmd
}

func resolveRegions(ont *atlas.Ontology, list string) ([]int64, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var out []int64
	for _, r := range strings.Split(list, ",") {
		reg, err := ont.Lookup(strings.TrimSpace(r))
		if err != nil {
			return nil, err
		}
		out = append(out, reg.ID)
	}
	return out, nil
}

func runMatrixBuild(ctx context.Context, o *matrixBuildOptions) error {
	ids, err := parseIDs(o.IDs, o.IDsFile)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return usageErr("give experiment ids (arguments or --ids-file)")
	}
	if o.Cache == "" {
		o.Cache = defaultCache(o.IO)
	}
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	ont, err := projectionOntology(st, store.Ref{}, o.Ontology, "")
	if err != nil {
		return err
	}
	regions, err := resolveRegions(ont, o.Regions)
	if err != nil {
		return err
	}
	cache := projection.Cache{Dir: o.Cache, Resolution: o.Resolution}
	var m *projection.Matrix
	switch o.From {
	case "unionizes":
		var sums []*projection.Summary
		for _, id := range ids {
			s, err := projection.ReadSummaryFile(cache.UnionizePath(id), id)
			if err != nil {
				return err
			}
			sums = append(sums, s)
		}
		if m, err = projection.MatrixFromUnionizes(sums, o.Measurement, o.Hemisphere, regions, ont); err != nil {
			return err
		}
	case "grids":
		if len(regions) == 0 {
			return usageErr("--from grids needs --regions")
		}
		dims, err := projection.GridDims(o.Resolution)
		if err != nil {
			return err
		}
		var vol *atlas.Volume
		if o.Annotation != "" {
			vol, err = atlas.ReadVolume(o.Annotation, float64(o.Resolution))
		} else {
			var a *atlas.Atlas
			if a, err = atlas.Open(st, store.Ref{}, ""); err == nil {
				vol, err = a.Volume(float64(o.Resolution))
			}
		}
		if err != nil {
			return fmt.Errorf("%w\n  hint: pass --annotation annotation_%d.nrrd", err, o.Resolution)
		}
		if vol.Dims != dims {
			return usageErr("annotation is %v voxels, the %d um grids %v", vol.Dims, o.Resolution, dims)
		}
		exps, err := projection.LoadExperiments(ctx, st, store.Ref{}, o.Dataset)
		if err != nil {
			return err
		}
		ins, err := projection.LoadInputs(exps, ids, cache)
		if err != nil {
			return err
		}
		if m, err = projection.MatrixFromGrids(ins, vol.Labels, dims, regions, ont); err != nil {
			return err
		}
	default:
		return usageErr("--from %q: unionizes or grids", o.From)
	}
	m.ID, m.Description = o.Name, o.Description
	v, err := projection.SaveMatrix(ctx, st, m, o.Dataset, map[string]any{"command": "projections matrix build", "from": o.From,
		"experiments": ids, "hemisphere_id": o.Hemisphere, "cache": o.Cache}, nil, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "matrix %s: %d experiments x %d regions (%s), version %d\n", m.ID, len(m.Rows), len(m.RegionIDs), m.MeasurementType, v.Number)
	return nil
}

type matrixIngestOptions struct {
	IO          *IO
	Global      *globalOptions
	Name, File  string
	Measurement string
	Modality    string
	Unit        string
	Description string
	Dataset     string
	Ontology    string
}

func newCmdMatrixIngest(io *IO, g *globalOptions) *cobra.Command {
	opts := &matrixIngestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest NAME FILE",
		Short: "Ingest per-cell projection vectors (MAPseq/BARseq barcode counts, axon length per region) from CSV",
		Long: `Ingest per-cell projection vectors as a cells x regions ProjectionMeasurementMatrix.
FILE is CSV, long (cell_id,region,value) or wide (cell_id,VISp,VISl,...); regions are
Allen CCF acronyms or ids.`,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name, opts.File = args[0], args[1]
			return runMatrixIngest(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Measurement, "measurement", "barcode_count", "barcode_count, axon_length, terminal_count, synapse_count, other")
	f.StringVar(&opts.Modality, "modality", "MAPseq", "MAPseq, BARseq, morphology, EM, other")
	f.StringVar(&opts.Unit, "unit", "", "unit of the values (default: count for counts, um for axon_length)")
	f.StringVar(&opts.Description, "description", "", "free text recorded with the matrix")
	f.StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset")
	f.StringVar(&opts.Ontology, "ontology", "", "region ontology file (default: the atlas in the store, else the Allen CCF 2017)")
	addWaitFlag(cmd)
	return cmd
}

func runMatrixIngest(ctx context.Context, o *matrixIngestOptions) error {
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	ont, err := projectionOntology(st, store.Ref{}, o.Ontology, "")
	if err != nil {
		return err
	}
	m, err := projection.ReadCellVectorsFile(o.File, ont)
	if err != nil {
		return err
	}
	m.ID, m.MeasurementType, m.Modality, m.Description, m.Unit = o.Name, o.Measurement, o.Modality, o.Description, o.Unit
	if err := m.Normalize(); err != nil {
		return err
	}
	if m.Unit == "" {
		m.Unit = map[string]string{"BARCODE_COUNT": "count", "AXON_LENGTH": "um", "TERMINAL_COUNT": "count", "SYNAPSE_COUNT": "count"}[m.MeasurementType]
	}
	v, err := projection.SaveMatrix(ctx, st, m, o.Dataset, map[string]any{"command": "projections matrix ingest", "source": filepath.Base(o.File)}, []string{o.File}, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "matrix %s: %d cells x %d regions (%s, %s), version %d\n", m.ID, len(m.Rows), len(m.RegionIDs), m.Modality, m.MeasurementType, v.Number)
	return nil
}

type matrixAxonsOptions struct {
	IO          *IO
	Global      *globalOptions
	Name        string
	Files       []string
	Regions     string
	Annotation  string
	Resolution  float64
	Description string
	Dataset     string
	Ontology    string
}

func newCmdMatrixAxons(io *IO, g *globalOptions) *cobra.Command {
	opts := &matrixAxonsOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "axons NAME SWC...",
		Short: "Build a cells x regions axon-length matrix from CCF-registered SWC reconstructions",
		Long: `Axon length (um) of each reconstruction in each target region: SWC files registered to the
CCF (coordinates in um, AP, DV, ML), axon samples (type 2) only, located through an annotation
volume (--annotation FILE, or the atlas volume in the store); a region collects its subtree.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name, opts.Files = args[0], args[1:]
			return runMatrixAxons(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Regions, "regions", "", "target regions, comma-separated (required)")
	f.StringVar(&opts.Annotation, "annotation", "", "annotation volume (.nrrd/.mhd) (default: the atlas volume in the store)")
	f.Float64Var(&opts.Resolution, "resolution", 0, "annotation resolution in um (default: from the file, or the finest in the store)")
	f.StringVar(&opts.Description, "description", "", "free text recorded with the matrix")
	f.StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset")
	f.StringVar(&opts.Ontology, "ontology", "", "region ontology file (default: the atlas in the store, else the Allen CCF 2017)")
	addWaitFlag(cmd)
	return cmd
}

func runMatrixAxons(ctx context.Context, o *matrixAxonsOptions) error {
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	ont, err := projectionOntology(st, store.Ref{}, o.Ontology, "")
	if err != nil {
		return err
	}
	regions, err := resolveRegions(ont, o.Regions)
	if err != nil {
		return err
	}
	if len(regions) == 0 {
		return usageErr("give --regions")
	}
	var vol *atlas.Volume
	if o.Annotation != "" {
		vol, err = atlas.ReadVolume(o.Annotation, o.Resolution)
	} else {
		var a *atlas.Atlas
		if a, err = atlas.Open(st, store.Ref{}, ""); err == nil {
			vol, err = a.Volume(o.Resolution)
		}
	}
	if err != nil {
		return fmt.Errorf("%w\n  hint: pass --annotation annotation_25.nrrd", err)
	}
	m, err := projection.AxonLengthMatrix(o.Files, vol, ont, regions)
	if err != nil {
		return err
	}
	m.ID, m.Description = o.Name, o.Description
	v, err := projection.SaveMatrix(ctx, st, m, o.Dataset, map[string]any{"command": "projections matrix axons", "files": len(o.Files)}, o.Files, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "matrix %s: %d cells x %d regions (axon length, um), version %d\n", m.ID, len(m.Rows), len(m.RegionIDs), v.Number)
	return nil
}

type matrixExportOptions struct {
	IO      *IO
	Global  *globalOptions
	Name    string
	Format  string
	Out     string
	Heatmap string
	Log     bool
	Dataset string
	Ref     refFlags
	Engine  engineFlags
}

func newCmdMatrixExport(io *IO, g *globalOptions) *cobra.Command {
	opts := &matrixExportOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "export NAME",
		Short: "Export a projection matrix as CSV, Parquet or Zarr, and/or a heatmap PNG",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name = args[0]
			return runMatrixExport(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", "csv", "csv, parquet or zarr")
	f.StringVarP(&opts.Out, "out", "o", "", "output file (csv: default stdout; parquet/zarr: required)")
	f.StringVar(&opts.Heatmap, "heatmap", "", "also write a heatmap PNG")
	f.BoolVar(&opts.Log, "log", false, "log colour scale for the heatmap")
	f.StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset")
	opts.Ref.add(cmd)
	opts.Engine.add(cmd)
	return cmd
}

func runMatrixExport(ctx context.Context, o *matrixExportOptions) error {
	ref, err := o.Ref.ref()
	if err != nil {
		return err
	}
	onSpark, err := o.Engine.spark()
	if err != nil {
		return err
	}
	var m *projection.Matrix
	if onSpark {
		if m, err = sparkMatrix(ctx, o); err != nil {
			return err
		}
	} else {
		st, err := store.Open(o.Global.StorePath(o.IO))
		if err != nil {
			return err
		}
		defer st.Close()
		if m, err = projection.LoadMatrix(st, ref, o.Dataset, o.Name); err != nil {
			return err
		}
	}
	switch o.Format {
	case "csv":
		if o.Out == "" {
			if err := m.WriteCSV(o.IO.Out); err != nil {
				return err
			}
			break
		}
		f, err := os.Create(o.Out)
		if err != nil {
			return err
		}
		if err := m.WriteCSV(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	case "parquet", "zarr":
		if o.Out == "" {
			return usageErr("--format %s needs --out", o.Format)
		}
		if o.Format == "parquet" {
			err = projection.WriteMatrixParquet(ctx, m, o.Out)
		} else {
			err = projection.WriteMatrixZarr(o.Out, m)
		}
		if err != nil {
			return err
		}
	default:
		return usageErr("unknown --format %q (csv, parquet or zarr)", o.Format)
	}
	if o.Heatmap != "" {
		title := fmt.Sprintf("%s: %s (%s)", m.ID, m.MeasurementType, m.Modality)
		if err := plot.Heatmap(o.Heatmap, title, m.Rows, m.RegionAcronyms, m.Values,
			plot.HeatmapOptions{Log: o.Log, XLabel: "target region", YLabel: "data item"}); err != nil {
			return err
		}
	}
	if (o.Out != "" || o.Heatmap != "") && !o.Global.Quiet {
		fmt.Fprintf(o.IO.ErrOut, "matrix %s: %d x %d exported\n", m.ID, len(m.Rows), len(m.RegionIDs))
	}
	return nil
}

func newCmdMatrixList(io *IO, g *globalOptions) *cobra.Command {
	var dataset string
	var ref refFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the projection matrices in the store",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			r, err := ref.ref()
			if err != nil {
				return err
			}
			st, err := store.Open(g.StorePath(io))
			if err != nil {
				return err
			}
			defer st.Close()
			sn, err := st.Snapshot(r)
			if err != nil {
				return err
			}
			for _, name := range projection.MatrixNames(sn, dataset) {
				m, err := projection.LoadMatrix(st, r, dataset, name)
				if err != nil {
					return err
				}
				fmt.Fprintf(io.Out, "%-24s %6d x %-5d %-28s %s\n", name, len(m.Rows), len(m.RegionIDs), m.MeasurementType, m.Modality)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dataset, "dataset", projection.DefaultDataset, "dataset")
	ref.add(cmd)
	return cmd
}

type projectionsSliceOptions struct {
	IO         *IO
	Global     *globalOptions
	Name       string
	Group      string
	Plane      string
	Index      int
	Out        string
	Annotation string
	Outlines   bool
	Dataset    string
	Ref        refFlags
}

func newCmdProjectionsSlice(io *IO, g *globalOptions) *cobra.Command {
	opts := &projectionsSliceOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "slice",
		Short: "Write a coronal/sagittal/horizontal slice or max projection PNG of an aggregated volume",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runProjectionsSlice(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Name, "name", "default", "aggregate name (artifact aggregate/NAME)")
	f.StringVar(&opts.Group, "group", "1", "group label (AP1, visual, ...) or 1-based number")
	f.StringVar(&opts.Plane, "plane", projection.Coronal, "coronal, sagittal or horizontal")
	f.IntVar(&opts.Index, "index", -1, "voxel index of the plane (default: maximum projection)")
	f.StringVarP(&opts.Out, "out", "o", "projection.png", "PNG file")
	f.StringVar(&opts.Annotation, "annotation", "", "annotation volume of the same size for region outlines")
	f.BoolVar(&opts.Outlines, "outlines", false, "draw region outlines from the atlas volume in the store")
	f.StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset")
	opts.Ref.add(cmd)
	return cmd
}

func runProjectionsSlice(_ context.Context, o *projectionsSliceOptions) error {
	ref, err := o.Ref.ref()
	if err != nil {
		return err
	}
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	sn, err := st.Snapshot(ref)
	if err != nil {
		return err
	}
	art, err := sn.Artifact(o.Dataset, projection.ArtifactName(o.Name))
	if err != nil {
		return err
	}
	vols, dims, attrs, err := projection.ReadVolumes(filepath.Join(art.Dir, "mean.zarr"))
	if err != nil {
		return err
	}
	var labels []string
	for _, l := range asAnyList(attrs["groups"]) {
		s, _ := l.(string)
		labels = append(labels, s)
	}
	gi := -1
	for i, l := range labels {
		if l == o.Group {
			gi = i
		}
	}
	if gi < 0 {
		if k, err := strconv.Atoi(o.Group); err == nil && k >= 1 && k <= len(vols) {
			gi = k - 1
		}
	}
	if gi < 0 {
		return usageErr("--group %q: groups are %s", o.Group, strings.Join(labels, ", "))
	}
	var ann []uint32
	if o.Annotation != "" {
		vol, err := atlas.ReadVolume(o.Annotation, 0)
		if err != nil {
			return err
		}
		if vol.Dims != dims {
			return usageErr("annotation is %v voxels, the volume %v", vol.Dims, dims)
		}
		ann = vol.Labels
	} else if o.Outlines {
		a, err := atlas.Open(st, ref, "")
		if err != nil {
			return err
		}
		sp, _ := attrs["spacing_um"].(float64)
		vol, err := a.Volume(sp)
		if err != nil {
			return err
		}
		if vol.Dims != dims {
			return usageErr("the atlas volume is %v voxels, the projection volume %v", vol.Dims, dims)
		}
		ann = vol.Labels
	}
	title := fmt.Sprintf("%s %s", o.Name, o.Group)
	if gi < len(labels) {
		title = fmt.Sprintf("%s %s", o.Name, labels[gi])
	}
	if err := projection.WriteSlicePNG(o.Out, vols[gi], dims, o.Plane, o.Index, title, ann); err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "wrote %s\n", o.Out)
	return nil
}

func asAnyList(v any) []any {
	l, _ := v.([]any)
	return l
}
