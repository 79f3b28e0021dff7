package crossmodal

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// benchSizes are the sizes; CCC_BENCH_SITES / CCC_BENCH_EXPERIMENTS
// override them.
func benchSize(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

// benchStore builds a store with the Allen 2017 ontology, nExp experiments
// (a tenth injected in VISp or below), an experiments x regions matrix over
// the first 1,300 regions and nSites recording sites in random regions.
func benchStore(b *testing.B, nExp, nSites int) *store.Store {
	b.Helper()
	ctx := context.Background()
	o, err := atlas.LoadOntology(testenv.SharedData(b, atlas.DefaultOntologyFile), atlas.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Init(filepath.Join(b.TempDir(), "store"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := atlas.Save(ctx, st, "ccf2017", o, atlas.SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	regs := o.Regions()
	visp, _ := o.Lookup("VISp")
	vispTree := o.Descendants(visp.ID)
	r := rand.New(rand.NewPCG(15, 15))
	var exps, sites strings.Builder
	exps.WriteString("id,structure_id\n")
	rows := make([]string, nExp)
	for i := range nExp {
		s := regs[r.IntN(len(regs))].ID
		if i%10 == 0 {
			s = vispTree[r.IntN(len(vispTree))]
		}
		fmt.Fprintf(&exps, "%d,%d\n", 500000000+i, s)
		rows[i] = projection.ExperimentItemID(int64(500000000 + i))
	}
	sites.WriteString("id,data_item,electrode_id,brain_region\n")
	for i := range nSites {
		fmt.Fprintf(&sites, "bench-0001:%d,bench-0001,%d,%d\n", i, i, regs[r.IntN(len(regs))].ID)
	}
	write := func(dataset, class, text string) {
		tx, err := st.Begin(ctx, store.TxOptions{Dataset: dataset, Message: "bench " + class})
		if err != nil {
			b.Fatal(err)
		}
		csv := filepath.Join(tx.StagingDir(), class+".csv")
		os.WriteFile(csv, []byte(text), 0o644)
		if err := atlas.CSVToParquet(ctx, csv, tx.TablePath(class)); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	write(projection.DefaultDataset, "ConnectivityExperiment", exps.String())
	write("nwb_bench", "RecordingSite", sites.String())
	nCols := min(1300, len(regs))
	m := &projection.Matrix{ID: "bench", MeasurementType: "PROJECTION_DENSITY", Modality: "MESOSCALE_TRACING", Unit: "fraction", Hemisphere: 3,
		Rows: rows, Values: make([]float64, nExp*nCols)}
	for _, reg := range regs[:nCols] {
		m.RegionIDs = append(m.RegionIDs, reg.ID)
		m.RegionAcronyms = append(m.RegionAcronyms, reg.Acronym)
	}
	for i := range m.Values {
		m.Values[i] = r.Float64() * r.Float64()
	}
	if _, err := projection.SaveMatrix(ctx, st, m, "", nil, nil, 0); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkSiteProjections: the cross-modal question over 100k
// recording sites and a 3,000 x 1,300 projection matrix, warm (the store's
// read-only DuckDB open): names checked and the answer written as Parquet,
// what 'ccc ask site-projections --format parquet --out F' does. The pandas
// peer (python/site_projections_peer.py: data loaded once, then only the
// answer timed) runs in the same run, and both answers are compared.
//
//	go test ./crossmodal -run X -bench SiteProjections -benchtime 5x
func BenchmarkSiteProjections(b *testing.B) {
	nExp, nSites := benchSize("CCC_BENCH_EXPERIMENTS", 3000), benchSize("CCC_BENCH_SITES", 100000)
	st := benchStore(b, nExp, nSites)
	defer st.Close()
	ctx := context.Background()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "answer.parquet")
	db, err := st.ReadOnlyDB(ctx, store.Ref{}, out)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	o := SiteProjectionsOptions{Source: "VISp", Matrix: "bench"}
	for b.Loop() {
		q, err := PrepareSiteProjections(ctx, st, sn, db, o)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "COPY ("+q.SQL+"\n) TO "+store.QuoteString(out)+" (FORMAT parquet, USE_TMP_FILE false)"); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := b.Elapsed() / time.Duration(b.N)
	var rows, matched int
	var sum float64
	if err := db.QueryRowContext(ctx, "SELECT count(*), count(strength), sum(strength) FROM read_parquet("+store.QuoteString(out)+")").Scan(&rows, &matched, &sum); err != nil {
		b.Fatal(err)
	}
	if rows != nSites || matched == 0 {
		b.Fatalf("%d answers, %d matched", rows, matched)
	}
	b.ReportMetric(float64(matched), "matched")
	// the pandas peer on the same tables
	py := testenv.Python(b, "pandas", "zarr", "pyarrow")
	path := func(class string) string { return sn.Tables(class)[0].Path }
	art, err := sn.Artifact(projection.DefaultDataset, projection.MatrixArtifact("bench"))
	if err != nil {
		b.Fatal(err)
	}
	args, _ := json.Marshal(map[string]any{"brain_region": path("BrainRegion"), "experiments": path("ConnectivityExperiment"), "sites": path("RecordingSite"),
		"zarr": filepath.Join(art.Dir, "values.zarr"), "source": "VISp", "stat": "mean", "repeat": 3, "quiet": true})
	af := filepath.Join(b.TempDir(), "args.json")
	os.WriteFile(af, args, 0o644)
	pout, err := exec.Command(py, filepath.Join(testenv.RepoRoot(b), "python", "site_projections_peer.py"), af).Output()
	if err != nil {
		b.Fatalf("peer: %v", err)
	}
	var peer struct {
		Seconds     float64 `json:"seconds"`
		Rows        int     `json:"rows"`
		Matched     int     `json:"matched"`
		StrengthSum float64 `json:"strength_sum"`
	}
	if err := json.Unmarshal(pout, &peer); err != nil {
		b.Fatalf("peer output %q: %v", pout, err)
	}
	if peer.Rows != rows || peer.Matched != matched || math.Abs(peer.StrengthSum-sum) > 1e-9*math.Max(1, sum) {
		b.Fatalf("answers differ: ccc %d rows %d matched sum %v; pandas %+v", rows, matched, sum, peer)
	}
	b.ReportMetric(peer.Seconds*1e3, "pandas-ms")
	b.ReportMetric(peer.Seconds/elapsed.Seconds(), "speedup")
	b.Logf("%d sites, %d x %d matrix: ccc %v per answer (warm, to Parquet), pandas %.0f ms (in memory), %.1fx", nSites, nExp, 1300, elapsed, peer.Seconds*1e3, peer.Seconds/elapsed.Seconds())
}
