package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { registerQuickstartStep(20, "atlas", quickstartAtlas) }

// quickstartAtlas loads the Allen CCF 2017 ontology as an atlas (the real
// file when present, a small slice of it otherwise), queries the hierarchy,
// draws the depth histogram, stores a synthetic 100 um annotation volume of
// nested boxes of real region ids, maps points to regions and rolls the
// counts up to the major divisions.
func quickstartAtlas(q *quickstartEnv) error {
	w := q.IO.Out
	st, err := store.Init(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	src := q.DataFile(atlas.DefaultOntologyFile)
	if src == "" {
		src = filepath.Join(q.OutDir, "synthetic_ccf_ontology.csv")
		if err := os.WriteFile(src, []byte(atlasQSOntologyCSV), 0o644); err != nil {
			return err
		}
	}
	o, err := atlas.LoadOntology(src, atlas.LoadOptions{Name: atlas.DefaultAtlasName})
	if err != nil {
		return err
	}
	v, err := atlas.Save(q.Ctx, st, atlas.DefaultAtlasName, o, atlas.SaveOptions{SourceURI: src})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc atlas load %s\n     atlas %s: %d regions, store version %d\n", filepath.Base(src), atlas.DefaultAtlasName, o.Len(), v.Number)
	visp1, err := o.Lookup("VISp1")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc atlas ancestors VISp1\n     %s\n", o.PathString(visp1.ID, " > "))
	var kids []string
	for _, c := range o.Children(385) {
		r, _ := o.ByID(c)
		kids = append(kids, r.Acronym)
	}
	fmt.Fprintf(w, "   ccc atlas children VISp\n     %s\n", strings.Join(kids, " "))
	var hits []string
	for _, m := range o.Search("visual", 8) {
		hits = append(hits, m.Acronym)
	}
	fmt.Fprintf(w, "   ccc atlas search visual\n     %s ...\n", strings.Join(hits, " "))
	png := filepath.Join(q.OutDir, "atlas_depths.png")
	if err := writeDepthPNG(png, o); err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc atlas depths --png atlas_depths.png\n     regions per depth: %v\n", o.DepthHistogram())
	q.Output("atlas depth histogram (PNG)", png)

	// a synthetic 100 um annotation volume (CCF v3 dimensions) of nested
	// boxes of real structure ids
	a, err := atlas.Open(st, store.Ref{}, atlas.DefaultAtlasName)
	if err != nil {
		return err
	}
	vol := atlas.BoxVolume(atlas.CCFDims[100], 100, atlas.DemoBoxes)
	vv, err := atlas.SaveVolume(q.Ctx, st, a, vol, atlas.VolumeSaveOptions{SourceURI: "synthetic: atlas.DemoBoxes",
		Params: map[string]any{"command": "quickstart"}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc atlas volume add (synthetic 132 x 80 x 114 at 100 um, AP x DV x ML): store version %d\n", vv.Number)
	// a few points, one per status
	x := []float64{3960, 3960, 5000, 10000, 50, 20000}
	y := []float64{2000, 1050, 6000, 4000, 50, 0}
	z := []float64{3420, 3420, 5000, 5000, 50, 0}
	res := atlas.Locate(o, vol, x, y, z)
	fmt.Fprintf(w, "   ccc atlas locate x,y,z ...\n")
	for i := range x {
		acr := "-"
		if r, ok := o.ByID(res.RegionID[i]); ok {
			acr = r.Acronym
		}
		fmt.Fprintf(w, "     (%g, %g, %g) um -> %-6s %s\n", x[i], y[i], z[i], acr, atlas.StatusNames[res.Status[i]])
	}
	// 100,000 random points through the batched path, counted per region
	// and rolled up to the major divisions
	rng := rand.New(rand.NewPCG(1, 2))
	n := 100000
	px, py, pz := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range px {
		px[i], py[i], pz[i] = rng.Float64()*13200, rng.Float64()*8000, rng.Float64()*11400
	}
	many := atlas.Locate(o, vol, px, py, pz)
	var regions []int64
	var ones []float64
	for i, id := range many.RegionID {
		if many.Status[i] == atlas.StatusOK {
			regions = append(regions, id)
			ones = append(ones, 1)
		}
	}
	c := many.Counts()
	fmt.Fprintf(w, "   %d random points: %d ok, %d unlabelled, %d outside\n", n, c[atlas.StatusOK], c[atlas.StatusUnlabelled], c[atlas.StatusOutside])
	targets, _, err := o.RollupTargets("Isocortex,TH,CB")
	if err != nil {
		return err
	}
	rows, _, err := o.Rollup(regions, ones, targets, -1, atlas.AggSum)
	if err != nil {
		return err
	}
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s %g", r.Acronym, r.Value))
	}
	fmt.Fprintf(w, "   ccc atlas rollup --to Isocortex,TH,CB (points per region): %s\n", strings.Join(parts, ", "))
	csvPath := filepath.Join(q.OutDir, "atlas_located_points.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	pts := &atlas.Points{X: x, Y: y, Z: z, Cols: [3]string{"x", "y", "z"}}
	if err := writeLocated(f, atlas.FormatCSV, locatedTable(o, pts, res, nil)); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	q.Output("points mapped to regions (CSV)", csvPath)
	return nil
}

// atlasQSOntologyCSV is a slice of the Allen CCF 2017 hierarchy holding
// every region the demo volume and the projection demo use.
const atlasQSOntologyCSV = `id,name,acronym,parent_structure_id,color_hex_triplet
997,root,root,,FFFFFF
8,Basic cell groups and regions,grey,997,BFDAE3
567,Cerebrum,CH,8,B0F0FF
688,Cerebral cortex,CTX,567,B0FFB8
695,Cortical plate,CTXpl,688,70FF70
315,Isocortex,Isocortex,695,70FF71
669,Visual areas,VIS,315,08858C
385,Primary visual area,VISp,669,08858C
593,Primary visual area layer 1,VISp1,385,08858C
821,Primary visual area layer 2/3,VISp2/3,385,08858C
721,Primary visual area layer 4,VISp4,385,08858C
778,Primary visual area layer 5,VISp5,385,08858C
33,Primary visual area layer 6a,VISp6a,385,08858C
305,Primary visual area layer 6b,VISp6b,385,08858C
343,Brain stem,BS,8,FF7080
1129,Interbrain,IB,343,FF7080
549,Thalamus,TH,1129,FF7080
512,Cerebellum,CB,8,F0F080
409,Lateral visual area,VISl,669,08858C
394,Anteromedial visual area,VISam,669,08858C
533,posteromedial visual area,VISpm,669,08858C
500,Somatomotor areas,MO,315,1F9D5A
985,Primary motor area,MOp,500,1F9D5A
993,Secondary motor area,MOs,500,1F9D5A
453,Somatosensory areas,SS,315,188064
322,Primary somatosensory area,SSp,453,188064
31,Anterior cingulate area,ACA,315,40A666
254,Retrosplenial area,RSP,315,1AA698
623,Cerebral nuclei,CNU,567,98D6F9
477,Striatum,STR,623,98D6F9
485,Striatum dorsal region,STRd,477,98D6F9
672,Caudoputamen,CP,485,98D6F9
1089,Hippocampal formation,HPF,695,7ED04B
1080,Hippocampal region,HIP,1089,7ED04B
375,Ammon's horn,CA,1080,7ED04B
382,Field CA1,CA1,375,7ED04B
864,"Thalamus, sensory-motor cortex related",DORsm,549,FF8084
170,Dorsal part of the lateral geniculate complex,LGd,864,FF8084
`
