package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/nwb"
)

// readmeSkips are the README commands TestREADMECommands does not run, each
// with the reason. Every other command of the README's capability sections
// runs as written on the quickstart store.
var readmeSkips = map[string]string{
	"ccc validate --schema my_lab.yaml --class Cell cells.parquet":                                                               "the user's own schema and file (docs/schema.md tests the user-schema form)",
	"ccc ingest ... --append | --upsert | --lenient | --dry-run | --allow-empty | --ref-dataset NAME":                            "a list of flags, not a command",
	`ccc query --version 2 --sql "..."`:                                                                                          `a placeholder query ("...")`,
	"ccc atlas download --resolution 25":                                                                                         "network (Allen download server)",
	"ccc atlas volume add annotation_25.nrrd":                                                                                    "needs the downloaded annotation_25.nrrd (network)",
	"ccc atlas locate --resolution 25 --points cells.csv --out cells_regions.parquet":                                            "needs the 25 um volume from 'atlas download' (network)",
	"ccc atlas locate --table RecordingSite --dataset probeA":                                                                    "example dataset name probeA (the quickstart's NWB dataset is nwb_demo; TestQuickstart covers it)",
	"ccc atlas rollup --values counts.csv --to major":                                                                            "the user's counts.csv (atlas tests cover rollup)",
	"ccc projections fetch --grid --resolution 100 --ids-file ids.txt":                                                           "network (Allen API)",
	"ccc projections aggregate --ids-file ids.txt --normalization injectionVolume --subtract --group-by AP --bins 3 --name visp": "needs grids from 'projections fetch' (network)",
	"ccc projections slice --name visp --group AP1 --plane coronal --outlines -o visp_ap1.png":                                   "needs the aggregate above (network)",
	"ccc projections matrix build density --from unionizes --ids-file ids.txt":                                                   "needs unionizes from the Allen API (network)",
	"ccc projections matrix ingest mapseq counts.csv --modality MAPseq":                                                          "the user's counts.csv (the quickstart ingests a MAPseq matrix)",
	"ccc projections matrix axons mouselight cells/*.swc":                                                                        "the user's SWC files (projection tests cover them)",
	"ccc projections matrix export density --format parquet --heatmap m.png":                                                     "needs the 'matrix build density' above (network)",
	"ccc nwb ingest new_session.nwb --dataset ecephys --append":                                                                  "needs a second session file (nwb tests cover --append)",
	// cells and cell types: the user's ABC / CAS / feature / AnnData files (the cells, taxonomy, mapping,
	// features and anndata tests cover each on synthetic and fixture files)
	"ccc taxonomy load --name wmb --membership cluster_to_cluster_annotation_membership.csv cluster_annotation_term.csv": "the user's Allen Brain Cell Atlas CSVs (taxonomy tests cover the format)",
	"ccc taxonomy load --name mini cas.json": "the user's CAS JSON (taxonomy tests cover the format)",
	"ccc cells ingest --dataset merfish --modality TRANSCRIPTOMICS --taxonomy wmb --score-col score cells/spatial_cells.csv":             "needs the wmb taxonomy loaded from the user's ABC files above",
	"ccc mappings ingest --kind cluster-cluster --set em-to-wmb --source-taxonomy em-types --target-taxonomy wmb cells/em_crosswalk.csv": "needs the wmb and em-types taxonomies above (TestMappingsCompose covers it)",
	"ccc mappings compose --cells em --via em-to-wmb --save em-wmb":                                                                      "needs the mapping set above (TestMappingsCompose covers it)",
	"ccc synapses matrix --neurons @roots.txt --by taxonomy:wmb:subclass":                                                                "the user's roots.txt and the wmb mappings (TestSynapsesMatrixByTaxonomy covers it)",
	"ccc cells projections --matrix barseq --matrix-dataset barseq_demo --by subclass":                                                   "a BARseq matrix of the user's (TestCellsProjectionsByType covers it)",
	"ccc cells region VISp --by class --tracer-matrix density":                                                                           "the density matrix built above from the Allen API (network; TestCellsRegion covers it)",
	"ccc features ingest --set ephys --cells patchseq --definitions defs.csv features.csv":                                               "the user's feature files (TestFeaturesIngest covers them)",
	"ccc cells genes cells.h5ad --genes Gad1,Slc17a7 --obs subclass --out g.parquet":                                                     "the user's .h5ad (TestCellsGenes covers it on anndata-made fixtures)",
	"ccc cells ingest --h5ad cells.h5ad --dataset abc":                                                                                   "the user's .h5ad (TestCellsIngestH5AD covers it)",
	"ccc serve --store ccc-quickstart/store --addr 127.0.0.1:8080 [--auth tokens.yaml] [--allow-sql]":                                    "starts a long-running server (the server tests and TestExplorer cover it)",
	"ccc query --engine spark --sql \"SELECT cell_type, count(*) FROM CellTypeAnnotation GROUP BY cell_type\"":                           "needs a Spark Connect server (TestSparkEngineSQLEqualsDuckDB covers it)",
	"ccc synapses matrix --dataset minnie --proofread subgraph --by cell_type --engine spark":                                            "needs a Spark Connect server (TestSparkEngineCommandsEqualDuckDB covers it)",
	"ccc synapses query --dataset minnie --group-by pair --with-cell-types --engine spark":                                               "needs a Spark Connect server (TestSparkEngineCommandsEqualDuckDB covers it)",
	"ccc synapses degree --dataset minnie --engine spark":                                                                                "needs a Spark Connect server (TestSparkEngineCommandsEqualDuckDB covers it)",
	"ccc ask site-projections --source VISp --session synthetic-0001 --png sites.png":                                                    "the offline quickstart's synthetic session (the real-data store has no experiment of the demo matrix; TestAskSiteProjections covers it)",
	"ccc ask em-types-projections --region VISp --dataset synth-minnie":                                                                  "the offline quickstart's synthetic EM cell types and matrix (the real-data store has no experiment of the demo matrix; TestAskEMTypes covers it)",
	"ccc ingest --class Synapse --dataset derived spark-job-output/":                                                                     "a Spark job's output directory (TestSparkOutputBackIntoStore covers it)",
	"ccc synapses query --dataset minnie --proofread subgraph --columns id,pre_pt_root_id,post_pt_root_id,size --engine spark":           "needs a Spark Connect server (TestSparkEngineCommandsEqualDuckDB covers it)",
	"ccc projections matrix export quickstart-density --dataset allen_connectivity --engine spark":                                       "needs a Spark Connect server (TestSparkQuickstartCommandsEqualDuckDB covers it)",
	"ccc ask coverage --engine spark":                                                                                                    "needs a Spark Connect server (TestSparkQuickstartCommandsEqualDuckDB covers it)",
	"ccc ask site-projections --source VISp --engine spark":                                                                              "needs a Spark Connect server and the offline quickstart's synthetic session (TestSparkQuickstartCommandsEqualDuckDB covers it)",
}

// readmeCommands returns the ccc commands of the README's capability
// sections (between "## Install and use" and "## Benchmarks"): every line
// of a sh block that starts with "ccc ", split at "; ", without comments
// and output redirections.
func readmeCommands(t *testing.T) []string {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	s = s[strings.Index(s, "## Install and use"):strings.Index(s, "## Benchmarks")]
	var out []string
	inSh := false
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			inSh = true
			continue
		case strings.HasPrefix(line, "```"):
			inSh = false
			continue
		}
		if !inSh || !strings.HasPrefix(line, "ccc ") {
			continue
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		for _, c := range strings.Split(line, "; ") {
			c = strings.TrimSpace(c)
			if i := strings.Index(c, " > "); i >= 0 {
				c = c[:i]
			}
			out = append(out, c)
		}
	}
	return out
}

// splitArgs splits a shell command line at spaces, honouring single and
// double quotes.
func splitArgs(s string) []string {
	var args []string
	var cur strings.Builder
	var quote rune
	have := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, have = r, true
		case r == ' ':
			if have || cur.Len() > 0 {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
		}
	}
	if have || cur.Len() > 0 {
		args = append(args, cur.String())
	}
	return args
}

// TestREADMECommands runs every command of the README's capability
// sections, as written, in a directory holding the files they name (the
// shared data under the README's names) against the quickstart store; the
// commands in readmeSkips are not run (network, user files), and a README
// command in neither list fails the test.
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the quickstart and every README command")
	}
	files := map[string]string{
		"structure_tree_safe_2017.csv":  "allen-ccf/structure_tree_safe_2017.csv",
		"cells.csv":                     "microns/cells_no_repeats.csv",
		"allenAtlasProjection_info.csv": "allen-connectivity/allenAtlasProjection_info.csv",
		"sessions/aibs_ecephys.nwb":     "nwb/aibs_ecephys.nwb",
		"allen_session.nwb":             "nwb/aibs_ecephys.nwb",
	}
	dir := t.TempDir()
	for name, rel := range files {
		src := testenv.SharedData(t, rel)
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(src, dst); err != nil {
			t.Fatal(err)
		}
	}
	// session.nwb: a synthetic session with units and an ElectricalSeries
	// (the shared Allen file has neither), a new regular file: never write
	// through the links to the shared data
	session := filepath.Join(dir, "session.nwb")
	if fi, err := os.Lstat(session); err == nil || !os.IsNotExist(err) {
		t.Fatalf("session.nwb exists already (%v): refusing to overwrite", fi)
	}
	if err := nwb.WriteSynthetic(session, nwb.SynthOptions{Identifier: "readme-session"}); err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommands(t)
	qs := filepath.Join(t.TempDir(), "qs")
	quickstartAll(t, qs, filepath.Dir(testenv.SharedData(t, "allen-ccf")), nil)
	t.Chdir(dir)
	env := map[string]string{"CCC_STORE": filepath.Join(qs, "store")}
	ran := 0
	for _, c := range cmds {
		if why, ok := readmeSkips[c]; ok {
			t.Logf("not run: %s (%s)", c, why)
			continue
		}
		args := splitArgs(c)[1:]
		if c == "ccc nwb schema session.nwb" {
			// the synthetic session caches no specifications: the Allen file does
			args[2] = "allen_session.nwb"
		}
		if args[0] == "init" {
			// 'ccc init ccc-data' makes a new store beside the quickstart's
			code, out, errOut := runCLI(t, nil, args...)
			if code != 0 {
				t.Errorf("%s: exit %d\n%s\n%s", c, code, out, errOut)
			}
			ran++
			continue
		}
		code, out, errOut := runCLI(t, env, args...)
		if code != 0 {
			t.Errorf("%s: exit %d\n%.2000s\n%.2000s", c, code, out, errOut)
		}
		ran++
	}
	if ran < 25 {
		t.Errorf("ran %d README commands", ran)
	}
	t.Logf("ran %d README commands, skipped %d", ran, len(readmeSkips))
}
