package cli

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// TestQuickstartOffline runs every step on a machine without the shared
// data: each falls back to synthetic data, and the steps fit together (the
// synthetic ontology holds every region the projection and NWB demos use).
// Every table the run leaves in the store validates against its class.
func TestQuickstartOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every quickstart step")
	}
	out := filepath.Join(t.TempDir(), "qs")
	quickstartAll(t, out, filepath.Join(out, "no-data"), []string{
		"== schema", "== atlas", "== synapses", "== projections", "== nwb", "== cells", "== crossmodal", "== store",
		"regions in VISp or below (BrainRegion x BrainRegionClosure, one equality join)\n     7 regions",
		"312 rows of 2 matrices",
		"32 recording sites, 32 matched to a column of allen_connectivity/quickstart-density; source VISp: 6 experiments",
		"3813 of 3813 synth-minnie cell-type annotations in 1 region(s), declared region VISp; profiles from allen_connectivity/quickstart-density",
		"atlas ccf2017: 38 regions, store version 1",
		"ingested 300000 synthetic synapses among 3000 neurons (version 3)",
		"12 experiments x 6 regions",
		"40 cells x 6 regions, version 11",
		"32 RecordingSite, 12 SortedUnit; regions 32 from CCF",
		"taxonomy wmb-synth: 88 clusters (5 class > 12 subclass > 25 supertype > 46 cluster), store version 13",
		"regions: 5000 from CCF, 0 from labels, 0 unlocated (0 points outside the volume), 92 CCF/label disagreements kept",
		"VISp       CS20230722_CLAS_0002           57  0002 ET Lamp5",
		"store unchanged at version 14",
		"version 15: 4 instances, 0 errors",
		"15 versions of 8 datasets",
		"34 table files and 5 artifacts verified by checksum, 319902 rows in the latest version, 0 problems",
		"experiments injected in VISp or its layers (ConnectivityExperiment x BrainRegion)\n     6 (3 wild type)",
		"300000 rows -> synapse.parquet",
		"GET /api/v1/atlas/regions/VISp/ancestors: root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp",
		"GET /api/v1/synapses/degree: 3000 neurons",
	})
	for _, f := range []string{"atlas_depths.png", "openapi.json", "synapse_matrix_binary.png", "synapse_celltype_probability.png",
		"projection_matrix.png", "projection_coronal.png", "nwb_electrodes.csv", "synapse.parquet", "site_projections.csv", "site_projections.png", "em_types_projections.csv"} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	assertTablesConform(t, filepath.Join(out, "store"), []string{"allen_connectivity/ConnectivityExperiment", "allen_connectivity/DataItem", "allen_connectivity/DataSet",
		"allen_connectivity/InjectionSummary", "allen_connectivity/ProjectionMeasurement", "allen_connectivity/ProjectionMeasurementMatrix", "ccf2017/BrainRegion", "ccf2017/BrainRegionClosure",
		"lab-proofreading/ProofreadingStatus", "mapseq_demo/DataItem", "mapseq_demo/DataSet", "mapseq_demo/ProjectionMeasurement", "mapseq_demo/ProjectionMeasurementMatrix",
		"merfish_demo/AlgorithmRun", "merfish_demo/CellClusterRegionCount", "merfish_demo/CellMetadata", "merfish_demo/CellToClusterMapping", "merfish_demo/DataItem", "merfish_demo/DataSet", "merfish_demo/MappingSet", "nwb_demo/DataItem", "nwb_demo/DataSet", "nwb_demo/NWBArray", "nwb_demo/RecordingSession", "nwb_demo/RecordingSite",
		"nwb_demo/SortedUnit", "synth-minnie/CellTypeAnnotation", "synth-minnie/ProofreadingStatus", "synth-minnie/Synapse", "wmb-synth/Cluster", "wmb-synth/ClusterHierarchy"})
}

// TestQuickstartReal runs the quickstart on the real files of ../shared/data
// (skipped locally when they are missing, a failure in CI) and checks the
// figures the real data give.
func TestQuickstartReal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every quickstart step")
	}
	for _, rel := range []string{"allen-ccf/structure_tree_safe_2017.csv", "allen-connectivity/allenAtlasProjection_info.csv",
		"microns/synapses_23P_corner_5.csv", "microns/cells_no_repeats.csv", "nwb/aibs_ecephys.nwb"} {
		testenv.SharedData(t, rel)
	}
	data := filepath.Dir(testenv.SharedData(t, "allen-ccf"))
	out := filepath.Join(t.TempDir(), "qs")
	quickstartAll(t, out, data, []string{
		"atlas ccf2017: 1327 regions, store version 1",
		"regions per depth: [1 5 18 61 109 130 262 324 272 139 6]",
		"ingested 5051 real MICrONS synapses among 4511 neurons (version 3)",
		"stored 56209 automated cell-type rows",
		"2917 experiments (498 wild type, 2419 Cre)",
		"283 experiments (33 wild type); an acronym-prefix match would wrongly give 362",
		"table /general/extracellular_ephys/electrodes (DynamicTable): 10 rows, 13 columns",
		"10 RecordingSite, 0 SortedUnit; regions 0 from CCF, 10 from location labels, 0 unresolved",
		"DataItem 1, DataSet 1, NWBArray 2, RecordingSession 1, RecordingSite 10, SortedUnit 0: 0 errors",
		"regions: 5000 from CCF, 0 from labels, 0 unlocated (0 points outside the volume), 92 CCF/label disagreements kept",
		"13 versions of 8 datasets",
		"regions in VISp or below (BrainRegion x BrainRegionClosure, one equality join)\n     7 regions",
		"none of the 12 experiments of matrix quickstart-density is in the ConnectivityExperiment table",
		"32 table files and 5 artifacts verified by checksum, 94139 rows in the latest version, 0 problems",
		"experiments injected in VISp or its layers (ConnectivityExperiment x BrainRegion)\n     283 (33 wild type)",
		"5051 rows -> synapse.parquet",
	})
	assertTablesConform(t, filepath.Join(out, "store"), []string{"allen_connectivity/ConnectivityExperiment", "allen_connectivity/DataItem", "allen_connectivity/DataSet",
		"allen_connectivity/InjectionSummary", "allen_connectivity/ProjectionMeasurement", "allen_connectivity/ProjectionMeasurementMatrix", "ccf2017/BrainRegion", "ccf2017/BrainRegionClosure",
		"lab-proofreading/ProofreadingStatus", "mapseq_demo/DataItem", "mapseq_demo/DataSet", "mapseq_demo/ProjectionMeasurement", "mapseq_demo/ProjectionMeasurementMatrix",
		"merfish_demo/AlgorithmRun", "merfish_demo/CellClusterRegionCount", "merfish_demo/CellMetadata", "merfish_demo/CellToClusterMapping", "merfish_demo/DataItem", "merfish_demo/DataSet", "merfish_demo/MappingSet", "minnie65/CellTypeAnnotation", "minnie65/Synapse", "nwb_demo/DataItem", "nwb_demo/DataSet", "nwb_demo/NWBArray",
		"nwb_demo/RecordingSession", "nwb_demo/RecordingSite", "nwb_demo/SortedUnit", "wmb-synth/Cluster", "wmb-synth/ClusterHierarchy"})
}

// quickstartAll runs the whole quickstart into out with the shared data
// directory data and checks that stdout holds every line of want.
func quickstartAll(t *testing.T, out, data string, want []string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, nil, "quickstart", "--out", out, "--data", data)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stdout, w) {
			t.Errorf("missing %q in\n%s", w, stdout)
		}
	}
}

// assertTablesConform checks that the store's latest version holds exactly
// the tables want (dataset/class) and that each validates closed-world
// against its class.
func assertTablesConform(t *testing.T, storeDir string, want []string) {
	t.Helper()
	got := validateStoreTables(t, storeDir)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("valid tables\n got %v\nwant %v", keys, want)
	}
}
