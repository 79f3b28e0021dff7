package atlas

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/metaimage"
	"github.com/ccc-connectivity/ccc/formats/nrrd"
	"github.com/ccc-connectivity/ccc/store"
)

func demoVolume() *Volume { return BoxVolume(CCFDims[100], 100, DemoBoxes) }

func TestLabelAt(t *testing.T) {
	v := demoVolume()
	for _, tc := range []struct {
		name    string
		x, y, z float64
		label   uint32
		inside  bool
	}{
		{"VISp", 3960, 2000, 3420, 385, true},
		{"VISp1", 3960, 1050, 3420, 593, true},
		{"isocortex", 7000, 3500, 9000, 315, true},
		{"thalamus", 5000, 6000, 5000, 549, true},
		{"cerebellum", 10000, 4000, 5000, 512, true},
		{"grey", 10000, 7000, 1500, 8, true},
		{"unlabelled corner", 50, 50, 50, 0, true},
		{"last voxel", 13199.9, 7999.9, 11399.9, 0, true},
		{"past AP end", 13200, 100, 100, 0, false},
		{"negative", -0.5, 100, 100, 0, false},
		{"NaN", math.NaN(), 100, 100, 0, false},
		{"huge", 1e300, 100, 100, 0, false},
	} {
		l, in := v.LabelAt(tc.x, tc.y, tc.z)
		if l != tc.label || in != tc.inside {
			t.Errorf("%s: LabelAt = %d, %v; want %d, %v", tc.name, l, in, tc.label, tc.inside)
		}
		// the batch path agrees
		labels, status := make([]uint32, 1), make([]uint8, 1)
		v.LocateBatch([]float64{tc.x}, []float64{tc.y}, []float64{tc.z}, labels, status)
		wantStatus := StatusOK
		if !tc.inside {
			wantStatus = StatusOutside
		} else if tc.label == 0 {
			wantStatus = StatusUnlabelled
		}
		if labels[0] != tc.label || status[0] != wantStatus {
			t.Errorf("%s: LocateBatch = %d %s", tc.name, labels[0], StatusNames[status[0]])
		}
	}
	// voxel (i,j,k) sits at Labels[i + D0*(j + D1*k)]: AP fastest
	if i, _ := v.Index(250, 150, 50); i != 2+132 {
		t.Errorf("Index = %d", i)
	}
	if i, _ := v.Index(0, 100, 0); i != 132 {
		t.Errorf("Index DV = %d", i)
	}
	if i, _ := v.Index(0, 0, 100); i != 132*80 {
		t.Errorf("Index ML = %d", i)
	}
}

func TestVolumeFilesAndValidate(t *testing.T) {
	o := loadCCF(t)
	v := demoVolume()
	dir := t.TempDir()
	pn := filepath.Join(dir, "annotation_100.nrrd")
	img := &nrrd.Image{Header: nrrd.Header{Sizes: v.Dims[:], SpaceDimension: 3,
		SpaceDirections: [][]float64{{100, 0, 0}, {0, 100, 0}, {0, 0, 100}}}, Data: v.Labels}
	if err := nrrd.WriteFile(pn, img, nrrd.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	pm := filepath.Join(dir, "annotation_100.mhd")
	if err := metaimage.WriteFile(pm, &metaimage.Image{Header: metaimage.Header{DimSize: v.Dims[:], ElementSpacing: []float64{100, 100, 100}}, Data: v.Labels}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{pn, pm} {
		got, err := ReadVolume(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got.Dims != v.Dims || got.Spacing != v.Spacing || !reflect.DeepEqual(got.Labels, v.Labels) {
			t.Errorf("%s: read back differs", p)
		}
		if err := got.Validate(o, p, true); err != nil {
			t.Errorf("valid volume: %v", err)
		}
	}
	// spacing conflicts and absence
	if _, err := ReadVolume(pn, 25); !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "--resolution says 25") {
		t.Errorf("conflicting resolution: %v", err)
	}
	// unknown labels and wrong dimensions are reported together
	bad := BoxVolume([3]int{130, 80, 114}, 100, append(DemoBoxes, Box{[3]float64{0, 0, 0}, [3]float64{0.1, 0.1, 0.1}, 123456789}))
	err := bad.Validate(o, "bad.nrrd", true)
	if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "dimensions [130 80 114] do not match the CCF v3 100 um volume [132 80 114]") ||
		!strings.Contains(err.Error(), "labels not in the ontology: 123456789 (1144 voxels)") {
		t.Errorf("bad volume: %v", err)
	}
	// a float volume or 2-D file is no annotation volume
	if _, err := VolumeFromArray("f.nrrd", []int{2, 2, 1}, []float64{1, 1, 1}, []float32{1, 2, 3, 4}, 0); !errors.Is(err, ccc.ErrInvalidData) {
		t.Errorf("float volume: %v", err)
	}
	if _, err := VolumeFromArray("f.nrrd", []int{2, 2}, []float64{1, 1}, []uint32{1, 2, 3, 4}, 0); !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "2 dimensions") {
		t.Errorf("2-D volume: %v", err)
	}
	if _, err := VolumeFromArray("f.nrrd", []int{1, 1, 2}, nil, []int16{1, -2}, 10); !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "voxel 1") {
		t.Errorf("negative label: %v", err)
	}
}

func TestLocateStatuses(t *testing.T) {
	o := loadCCF(t)
	v := demoVolume()
	v.Labels[0] = 999999999 // a label the ontology lacks
	x := []float64{3960, 3960, 50, -1, 10, 7000}
	y := []float64{2000, 1050, 50, 0, 10, 3500}
	z := []float64{3420, 3420, 50, 0, 10, 9000}
	// (50,50,50) is voxel (0,0,0) -> the unknown label; (10,10,10) too
	res := Locate(o, v, x, y, z)
	wantID := []int64{385, 593, 0, 0, 0, 315}
	wantSt := []uint8{StatusOK, StatusOK, StatusUnknown, StatusOutside, StatusUnknown, StatusOK}
	if !reflect.DeepEqual(res.RegionID, wantID) || !reflect.DeepEqual(res.Status, wantSt) {
		t.Errorf("Locate = %v %v", res.RegionID, res.Status)
	}
	if c := res.Counts(); c != [4]int{3, 1, 0, 2} {
		t.Errorf("counts %v", c)
	}
}

func TestSaveVolume(t *testing.T) {
	o := loadCCF(t)
	ctx := context.Background()
	st, err := store.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Save(ctx, st, "ccf2017", o, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	a, err := Open(st, store.Ref{}, "ccf2017")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Volume(0); !errors.Is(err, ErrNoVolume) || !strings.Contains(err.Error(), "ccc atlas download") {
		t.Errorf("no volume: %v", err)
	}
	// invalid: nothing stored
	bad := BoxVolume([3]int{132, 80, 114}, 100, []Box{{[3]float64{0, 0, 0}, [3]float64{1, 1, 1}, 42424242}})
	if _, err := SaveVolume(ctx, st, a, bad, VolumeSaveOptions{}); !errors.Is(err, ccc.ErrInvalidData) {
		t.Errorf("bad volume stored? %v", err)
	}
	if vs, _ := st.Versions(""); len(vs) != 1 {
		t.Errorf("%d versions after a failed add", len(vs))
	}
	v := demoVolume()
	if _, err := SaveVolume(ctx, st, a, v, VolumeSaveOptions{}); err != nil {
		t.Fatal(err)
	}
	a, err = Open(st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if rs := a.Resolutions(); !reflect.DeepEqual(rs, []float64{100}) {
		t.Errorf("resolutions %v", rs)
	}
	got, err := a.Volume(100)
	if err != nil {
		t.Fatal(err)
	}
	if got.Dims != v.Dims || !reflect.DeepEqual(got.Labels, v.Labels) {
		t.Error("stored volume differs")
	}
	if _, err := a.Volume(25); !errors.Is(err, ErrNoVolume) || !strings.Contains(err.Error(), "the atlas has 100 um") {
		t.Errorf("missing resolution: %v", err)
	}
	if m := a.Meta["volume_100um"].(map[string]any); m["labels"].(float64) != 6 {
		t.Errorf("meta %v", m)
	}
}

func TestRollup(t *testing.T) {
	o := loadCCF(t)
	regions := []int64{593, 821, 385, 402, 549, 385}
	values := []float64{1, 2, 4, 8, 16, math.NaN()}
	th, _ := o.ByID(549)
	thParent := o.Parent(549)
	for _, tc := range []struct {
		spec, agg string
		want      []RollupRow
		skipped   int
	}{
		{"parents", AggSum, []RollupRow{{669, "VIS", 12, 2}, {385, "VISp", 3, 2}, {thParent.ID, thParent.Acronym, 16, 1}}, 1},
		{"VISp,VIS", AggSum, []RollupRow{{385, "VISp", 7, 3}, {669, "VIS", 15, 4}}, 2},
		{"VISp,VIS", AggMean, []RollupRow{{385, "VISp", 7.0 / 3, 3}, {669, "VIS", 15.0 / 4, 4}}, 2},
		{"major", AggSum, []RollupRow{{315, "Isocortex", 15, 4}, {549, "TH", 16, 1}}, 1},
		{"depth:6", AggSum, []RollupRow{{669, "VIS", 15, 4}}, 2},
	} {
		targets, depth, err := o.RollupTargets(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		got, skipped, err := o.Rollup(regions, values, targets, depth, tc.agg)
		if err != nil {
			t.Fatal(err)
		}
		if tc.spec == "major" { // only the targets that got rows
			var hit []RollupRow
			for _, r := range got {
				if r.N > 0 {
					hit = append(hit, r)
				}
			}
			if len(got) != 12 {
				t.Errorf("major: %d rows", len(got))
			}
			got = hit
		}
		if !reflect.DeepEqual(got, tc.want) || skipped != tc.skipped {
			t.Errorf("%s %s: got %v skipped %d, want %v skipped %d", tc.spec, tc.agg, got, skipped, tc.want, tc.skipped)
		}
	}
	if th.Depth != 4 || thParent.Acronym != "IB" {
		t.Errorf("TH depth %d parent %s", th.Depth, thParent.Acronym)
	}
	if _, _, err := o.Rollup([]int64{5555555}, []float64{1}, nil, -1, AggSum); !errors.Is(err, ccc.ErrInvalidData) {
		t.Errorf("unknown region: %v", err)
	}
}

// TestLocateBatchBlocks checks the blocked batch path (on amd64 the
// prefetching loop of locate_amd64.s, elsewhere the index, gather and
// status passes, per block of locateBlock points, split over goroutines)
// against LabelAt point by point and against both portable paths, for batch sizes around the block size and
// the parallel threshold, with points outside, on the far faces, negative,
// NaN and huge.
func TestLocateBatchBlocks(t *testing.T) {
	v := demoVolume()
	ext := [3]float64{13200, 8000, 11400}
	special := []float64{-0.5, -1e-300, 0, math.Copysign(0, -1), math.NaN(), math.Inf(1), 1e300, -1e300, 13200, 7999.999999}
	for _, n := range []int{0, 1, locateBlock - 1, locateBlock, locateBlock + 1, 3*locateBlock + 17, 1<<17 + 5} {
		x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
		s := uint64(n + 1)
		next := func(a int) float64 {
			s = s*6364136223846793005 + 1442695040888963407
			if s>>60 == 0 {
				return special[int(s>>32)%len(special)]
			}
			return (float64(s>>11)/(1<<53)*1.1 - 0.05) * ext[a]
		}
		for p := 0; p < n; p++ {
			x[p], y[p], z[p] = next(0), next(1), next(2)
		}
		labels, status := make([]uint32, n), make([]uint8, n)
		v.LocateBatch(x, y, z, labels, status)
		// the path of volumes over 2^31 voxels (64-bit indices) agrees
		wl, ws := make([]uint32, n), make([]uint8, n)
		prm := v.locateParams()
		locateBlocks[uint](v.Labels, &prm, x, y, z, wl, ws)
		if !reflect.DeepEqual(wl, labels) || !reflect.DeepEqual(ws, status) {
			t.Fatalf("n=%d: 64-bit index path differs", n)
		}
		// and so does the portable path (the one of other architectures)
		clear(wl)
		clear(ws)
		locateBlocks[uint32](v.Labels, &prm, x, y, z, wl, ws)
		if !reflect.DeepEqual(wl, labels) || !reflect.DeepEqual(ws, status) {
			t.Fatalf("n=%d: portable 32-bit index path differs", n)
		}
		var counts [3]int
		for p := 0; p < n; p++ {
			l, in := v.LabelAt(x[p], y[p], z[p])
			want := StatusOK
			if !in {
				want = StatusOutside
			} else if l == 0 {
				want = StatusUnlabelled
			}
			counts[want]++
			if labels[p] != l || status[p] != want {
				t.Fatalf("n=%d point %d (%g, %g, %g): batch %d %s, LabelAt %d %s", n, p, x[p], y[p], z[p],
					labels[p], StatusNames[status[p]], l, StatusNames[want])
			}
		}
		if n > 1000 && (counts[0] == 0 || counts[1] == 0 || counts[2] == 0) {
			t.Fatalf("n=%d: statuses %v: not every case exercised", n, counts)
		}
	}
}

// TestRegionIDs checks Locate's label -> region table against ByLabel
// point by point, with every CCF label, labels the ontology lacks, and
// points that are not StatusOK (left alone).
func TestRegionIDs(t *testing.T) {
	o := loadCCF(t)
	var known []uint32
	for _, r := range o.Regions() {
		if r.AnnotationValue > 0 && r.AnnotationValue <= math.MaxUint32 {
			known = append(known, uint32(r.AnnotationValue))
		}
	}
	if len(known) < 1000 {
		t.Fatalf("only %d labels", len(known))
	}
	n := 200_000
	labels, ids, status := make([]uint32, n), make([]int64, n), make([]uint8, n)
	s := uint64(7)
	for i := range labels {
		s = s*6364136223846793005 + 1442695040888963407
		switch r := s >> 33; {
		case r%10 == 0:
			labels[i] = uint32(r>>4) | 1<<31 // not a CCF label
		case r%10 == 1:
			labels[i], status[i] = known[r>>4%uint64(len(known))], StatusOutside
		default:
			labels[i] = known[r>>4%uint64(len(known))]
		}
	}
	want := slices.Clone(status)
	o.regionIDs(labels, ids, status)
	counts := map[uint8]int{}
	for i, l := range labels {
		var wid int64
		if want[i] == StatusOK {
			if r, ok := o.ByLabel(int64(l)); ok {
				wid = r.ID
			} else {
				want[i] = StatusUnknown
			}
		}
		if ids[i] != wid || status[i] != want[i] {
			t.Fatalf("point %d label %d: region %d %s, want %d %s", i, l, ids[i], StatusNames[status[i]], wid, StatusNames[want[i]])
		}
		counts[status[i]]++
	}
	if counts[StatusOK] < n/2 || counts[StatusUnknown] == 0 || counts[StatusOutside] == 0 {
		t.Fatalf("statuses %v: not every case exercised", counts)
	}
}

// TestIndexAgreesWithBatch: at 10 um voxels, coordinates within a few
// rounding errors of a voxel boundary (where c/s and c*(1/s) can truncate
// to neighbouring voxels) get the same voxel from LabelAt as from
// LocateBatch and the portable batch path.
func TestIndexAgreesWithBatch(t *testing.T) {
	const d = 40
	v := &Volume{Dims: [3]int{d, d, d}, Spacing: [3]float64{10, 10, 10}, Labels: make([]uint32, d*d*d)}
	for i := range v.Labels {
		v.Labels[i] = uint32(i + 1)
	}
	var x, y, z []float64
	for k := range d {
		b := float64(k) * 10
		for _, c := range []float64{b, math.Nextafter(b, 0), math.Nextafter(b, 1e9), math.Nextafter(math.Nextafter(b, 0), 0), b + 1e-13, b - 1e-13, float64(k)*10.000000000000002 + 0.3} {
			x, y, z = append(x, c), append(y, b+5), append(z, 400-c)
		}
	}
	n := len(x)
	labels, status := make([]uint32, n), make([]uint8, n)
	v.LocateBatch(x, y, z, labels, status)
	prm := v.locateParams()
	pl, ps := make([]uint32, n), make([]uint8, n)
	locateBlocks[uint32](v.Labels, &prm, x, y, z, pl, ps)
	differ := 0
	for p := range n {
		l, in := v.LabelAt(x[p], y[p], z[p])
		if !in {
			l = 0
		}
		if l != labels[p] || in != (status[p] != StatusOutside) || pl[p] != labels[p] || ps[p] != status[p] {
			differ++
			if differ < 5 {
				t.Errorf("(%v, %v, %v): LabelAt %d %v, batch %d %d, portable %d %d", x[p], y[p], z[p], l, in, labels[p], status[p], pl[p], ps[p])
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d boundary points differ", differ, n)
	}
}
