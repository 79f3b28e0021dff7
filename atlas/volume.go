package atlas

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/metaimage"
	"github.com/ccc-connectivity/ccc/formats/nrrd"
)

// Volume is an annotation volume: one region label per voxel.
//
// Axis convention (the Allen CCF v3 convention, documented in
// docs/atlas.md): axis 0 is anterior-posterior (AP, increasing towards
// posterior), axis 1 dorsal-ventral (DV, increasing towards ventral), axis 2
// medial-lateral (ML, left to right). CCF coordinates x, y, z in
// micrometres are AP, DV, ML from the corner of the volume. Labels are
// stored with axis 0 fastest, exactly as in the Allen annotation NRRD files
// (annotation_25.nrrd: sizes 528 320 456): the label of voxel (i, j, k) is
// Labels[i + Dims[0]*(j + Dims[1]*k)]. Voxel (i, j, k) covers
// [i*Spacing[0], (i+1)*Spacing[0]) and so on (brainglobe's
// (coords / resolution).astype(int) for coordinates inside the volume).
type Volume struct {
	Dims    [3]int     // voxels along AP, DV, ML
	Spacing [3]float64 // voxel size in micrometres along AP, DV, ML
	Labels  []uint32   // axis 0 fastest; 0 = unlabelled
}

// CCFDims are the dimensions of the Allen CCF v3 annotation volumes by
// resolution in micrometres.
var CCFDims = map[int][3]int{10: {1320, 800, 1140}, 25: {528, 320, 456}, 50: {264, 160, 228}, 100: {132, 80, 114}}

// Resolution returns the isotropic voxel size in um (0 when anisotropic).
func (v *Volume) Resolution() float64 {
	if v.Spacing[0] == v.Spacing[1] && v.Spacing[1] == v.Spacing[2] {
		return v.Spacing[0]
	}
	return 0
}

// Index returns the flat index of the voxel holding CCF point (x, y, z) um:
// the truncated c*(1/s) on each axis, as the batch lookups (LocateBatch)
// compute it. (c/s can differ from it by one voxel for a coordinate within
// a rounding error of a voxel boundary, 10^-13 um at 10 um voxels.)
func (v *Volume) Index(x, y, z float64) (int, bool) {
	if !(x >= 0 && y >= 0 && z >= 0) { // also false for NaN
		return 0, false
	}
	i, j, k := int(x*(1/v.Spacing[0])), int(y*(1/v.Spacing[1])), int(z*(1/v.Spacing[2]))
	if i >= v.Dims[0] || j >= v.Dims[1] || k >= v.Dims[2] || x > math.MaxInt32 || y > math.MaxInt32 || z > math.MaxInt32 {
		return 0, false
	}
	return i + v.Dims[0]*(j+v.Dims[1]*k), true
}

// LabelAt returns the label at CCF point (x, y, z) in um (AP, DV, ML);
// inside is false for points outside the volume (label 0 then).
func (v *Volume) LabelAt(xUM, yUM, zUM float64) (label uint32, inside bool) {
	i, ok := v.Index(xUM, yUM, zUM)
	if !ok {
		return 0, false
	}
	return v.Labels[i], true
}

// Point status values of Locate.
const (
	StatusOK         uint8 = iota // inside, labelled with a region of the ontology
	StatusOutside                 // outside the volume (or a NaN coordinate)
	StatusUnlabelled              // inside, label 0 (outside the brain)
	StatusUnknown                 // inside, a label the ontology does not have
)

// StatusNames are the names of the status values, as written to output
// tables.
var StatusNames = [...]string{"ok", "outside", "unlabelled", "unknown_label"}

// LocateBatch looks up many points at once (columnar; all slices the same
// length): labels[i] gets the label of (x[i], y[i], z[i]) and status[i]
// StatusOK, StatusOutside or StatusUnlabelled. Nothing is allocated; large
// batches are split over GOMAXPROCS goroutines.
func (v *Volume) LocateBatch(x, y, z []float64, labels []uint32, status []uint8) {
	n := len(x)
	y, z, labels, status = y[:n], z[:n], labels[:n], status[:n]
	const chunk = 1 << 16
	workers := runtime.GOMAXPROCS(0)
	if n < 2*chunk || workers == 1 {
		v.locateRange(x, y, z, labels, status)
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			v.locateRange(x[lo:hi], y[lo:hi], z[lo:hi], labels[lo:hi], status[lo:hi])
		}()
	}
	wg.Wait()
}

// locateBlock is the number of points locateRange handles per pass: small
// enough that the block's indices stay in L1, large enough to amortize the
// passes.
const locateBlock = 1024

// locateRange looks points up in blocks of locateBlock. On amd64, for
// volumes of at most 2^31 voxels, that is locateBlocksPF: one loop that
// prefetches each point's label 32 points before reading it, so the random
// reads (a cache and TLB miss per point on a 25 um volume) overlap the
// arithmetic. Elsewhere it is locateBlocks, three passes per block, so
// that the random reads run in a loop of a few instructions: the CPU then
// keeps many misses in flight, where one loop doing the arithmetic, the
// read and the status per point without prefetches keeps few (measured 2x
// slower). Both compute:
//
//  1. index (locateIndex): a point is inside when 0 <= c*(1/s) < dim on
//     every axis (false for NaN), as in Index; its voxel is the truncated
//     c*(1/s), its flat index i + d0*(j + d1*k); outside points get index
//     0 (they read voxel 0).
//  2. gather: labels[p] = Labels[index[p]].
//  3. status: labels of outside points zeroed; ok 0, outside 1,
//     unlabelled 2.
func (v *Volume) locateRange(x, y, z []float64, labels []uint32, status []uint8) {
	n := len(x)
	y, z, labels, status = y[:n], z[:n], labels[:n], status[:n]
	lab := v.Labels
	if len(lab) == 0 {
		for p := range status {
			labels[p], status[p] = 0, StatusOutside
		}
		return
	}
	prm := v.locateParams()
	if len(lab) > 1<<31 {
		locateBlocks[uint](lab, &prm, x, y, z, labels, status)
		return
	}
	if locatePrefetch && v.Dims[0] > 0 && v.Dims[1] > 0 && v.Dims[2] > 0 && len(lab)/v.Dims[0]/v.Dims[1] == v.Dims[2] &&
		len(lab) == v.Dims[0]*v.Dims[1]*v.Dims[2] {
		// the assembly reads labels without bounds checks: only when every
		// inside voxel index is below len(lab)
		locateBlocksPF(lab, &prm, x, y, z, labels, status)
		return
	}
	locateBlocks[uint32](lab, &prm, x, y, z, labels, status)
}

// locateBlocks runs the three passes block by block; I is uint32 for
// volumes of at most 2^31 voxels (half the index bytes), else uint.
func locateBlocks[I uint32 | uint](lab []uint32, prm *locateParams, x, y, z []float64, labels []uint32, status []uint8) {
	n := len(x)
	var idxBuf [locateBlock]I
	var inBuf [locateBlock]uint8
	for lo := 0; lo < n; lo += locateBlock {
		hi := min(lo+locateBlock, n)
		xs := x[lo:hi]
		ys, zs := y[lo:hi][:len(xs)], z[lo:hi][:len(xs)]
		idx, in := idxBuf[:len(xs)], inBuf[:len(xs)]
		locateIndex(xs, ys, zs, prm, idx, in)
		ls := labels[lo:hi][:len(idx)]
		for p, q := range idx {
			ls[p] = lab[q]
		}
		locateStatus(ls, in, status[lo:hi])
	}
}

// locateParams are the constants of the index pass: 1/spacing and the
// dimensions as float64 (exact).
type locateParams struct {
	inv [3]float64
	dim [3]float64
}

func (v *Volume) locateParams() locateParams {
	return locateParams{inv: [3]float64{1 / v.Spacing[0], 1 / v.Spacing[1], 1 / v.Spacing[2]},
		dim: [3]float64{float64(v.Dims[0]), float64(v.Dims[1]), float64(v.Dims[2])}}
}

// locateIndex is the index pass: idx[p] the flat voxel index of point p
// (0 when outside), in[p] 1 when inside. With I = uint32 the volume has at
// most 2^31 voxels. (An SSE2 version measured 1.3x faster on this pass
// alone, under 5% of a lookup: the random reads dominate, so it stays Go.)
func locateIndex[I uint32 | uint](xs, ys, zs []float64, prm *locateParams, idx []I, in []uint8) {
	ys, zs, idx, in = ys[:len(xs)], zs[:len(xs)], idx[:len(xs)], in[:len(xs)]
	inv0, inv1, inv2 := prm.inv[0], prm.inv[1], prm.inv[2]
	e0, e1, e2 := prm.dim[0], prm.dim[1], prm.dim[2]
	d0, d1 := uint(e0), uint(e1)
	for p := range xs {
		fx, fy, fz := xs[p]*inv0, ys[p]*inv1, zs[p]*inv2
		inside := within(fx, e0) & within(fy, e1) & within(fz, e2)
		// outside: the coordinates may be NaN or huge; int() of those is
		// unspecified but harmless, the product below is 0
		i, j, k := uint(int(fx)), uint(int(fy)), uint(int(fz))
		idx[p] = I((i + d0*(j+d1*k)) * inside)
		in[p] = uint8(inside)
	}
}

// within is 1 when 0 <= f < d (false for NaN), else 0; compiled without
// a branch.
func within(f, d float64) uint {
	var b uint
	if f >= 0 && f < d {
		b = 1
	}
	return b
}

// locateStatus zeroes the labels of outside points and sets the status:
// ok 0, outside 1, unlabelled 2.
func locateStatus(ls []uint32, in, st []uint8) {
	in, st = in[:len(ls)], st[:len(ls)]
	for p := range ls {
		m := in[p]
		l := ls[p] & -uint32(m)
		ls[p] = l
		var zero uint8
		if l == 0 {
			zero = 1
		}
		st[p] = (1 - m) | (m&zero)<<1
	}
}

// newLabels allocates the label array of a volume, on transparent huge
// pages when it is large (see adviseHugePages).
func newLabels(n int) []uint32 {
	l := make([]uint32, n)
	if n >= 4<<20 { // 16 MB and more
		adviseHugePages(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(l))), n*4))
	}
	return l
}

// VolumeFromArray makes a volume from a 3-D sample array of any integer
// type (NRRD or MetaImage data, axis 0 fastest). spacing may be nil when
// resolution (um) is given.
func VolumeFromArray(path string, sizes []int, spacing []float64, data any, resolution float64) (*Volume, error) {
	bad := func(field, msg, hint string) error {
		return &ccc.Error{Op: "read annotation volume", Path: path, Row: -1, Field: field, Msg: msg, Hint: hint, Kind: ccc.ErrInvalidData}
	}
	if len(sizes) != 3 {
		return nil, bad("sizes", fmt.Sprintf("volume has %d dimensions, an annotation volume has 3 (AP, DV, ML)", len(sizes)), "")
	}
	v := &Volume{Dims: [3]int{sizes[0], sizes[1], sizes[2]}}
	for i := 0; i < 3; i++ {
		s := math.NaN()
		if i < len(spacing) {
			s = spacing[i]
		}
		if resolution > 0 {
			if !math.IsNaN(s) && math.Abs(s-resolution) > 1e-6*resolution {
				return nil, bad("spacing", fmt.Sprintf("file says %g um on axis %d, --resolution says %g", s, i, resolution), "drop --resolution or fix the header")
			}
			s = resolution
		}
		if math.IsNaN(s) || s <= 0 || math.IsInf(s, 0) {
			return nil, bad("spacing", fmt.Sprintf("no valid voxel spacing on axis %d", i), "give the resolution in um with --resolution")
		}
		v.Spacing[i] = s
	}
	n := sizes[0] * sizes[1] * sizes[2]
	v.Labels = newLabels(n)
	badLabel := func(i int, val string) error {
		return &ccc.Error{Op: "read annotation volume", Path: path, Row: -1, Field: "labels",
			Value: val, Msg: fmt.Sprintf("voxel %d: label is not a non-negative 32-bit integer", i), Kind: ccc.ErrInvalidData}
	}
	switch d := data.(type) {
	case []uint32:
		copy(v.Labels, d)
	case []uint8:
		for i, x := range d {
			v.Labels[i] = uint32(x)
		}
	case []uint16:
		for i, x := range d {
			v.Labels[i] = uint32(x)
		}
	case []int8:
		for i, x := range d {
			if x < 0 {
				return nil, badLabel(i, fmt.Sprint(x))
			}
			v.Labels[i] = uint32(x)
		}
	case []int16:
		for i, x := range d {
			if x < 0 {
				return nil, badLabel(i, fmt.Sprint(x))
			}
			v.Labels[i] = uint32(x)
		}
	case []int32:
		for i, x := range d {
			if x < 0 {
				return nil, badLabel(i, fmt.Sprint(x))
			}
			v.Labels[i] = uint32(x)
		}
	case []int64:
		for i, x := range d {
			if x < 0 || x > math.MaxUint32 {
				return nil, badLabel(i, fmt.Sprint(x))
			}
			v.Labels[i] = uint32(x)
		}
	case []uint64:
		for i, x := range d {
			if x > math.MaxUint32 {
				return nil, badLabel(i, fmt.Sprint(x))
			}
			v.Labels[i] = uint32(x)
		}
	default:
		return nil, bad("type", fmt.Sprintf("samples are %T; an annotation volume holds integer labels", data), "")
	}
	return v, nil
}

// ReadVolume reads an annotation volume from NRRD (.nrrd, .nhdr) or
// MetaImage (.mhd, .mha). resolution (um) overrides or supplies the
// spacing (0: from the file).
func ReadVolume(path string, resolution float64) (*Volume, error) {
	return ReadVolumeOptions(path, resolution, VolumeReadOptions{})
}

// VolumeReadOptions bound what reading a volume file may do.
type VolumeReadOptions struct {
	// MaxBytes bounds the memory the samples may need (0: the machine's
	// memory or GOMEMLIMIT).
	MaxBytes int64
	// AllowExternalData lets a detached header (.nhdr, .mhd) name a data
	// file outside its own directory.
	AllowExternalData bool
}

// ReadVolumeOptions is ReadVolume with explicit bounds.
func ReadVolumeOptions(path string, resolution float64, o VolumeReadOptions) (*Volume, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mhd", ".mha":
		img, err := metaimage.ReadFileOptions(path, metaimage.ReadOptions{MaxBytes: o.MaxBytes, AllowExternalData: o.AllowExternalData})
		if err != nil {
			return nil, err
		}
		return VolumeFromArray(path, img.DimSize, img.ElementSpacing, img.Data, resolution)
	}
	img, err := nrrd.ReadFileOptions(path, nrrd.ReadOptions{MaxBytes: o.MaxBytes, AllowExternalData: o.AllowExternalData})
	if err != nil {
		return nil, err
	}
	return VolumeFromArray(path, img.Sizes, img.Spacing(), img.Data, resolution)
}

// Validate checks the volume against the ontology: every non-zero label
// must be the annotation value of a region, and a volume at a standard CCF
// resolution must have the CCF dimensions (unless ccfDims is false). All
// problems come back in one ccc.ErrInvalidData error.
func (v *Volume) Validate(o *Ontology, path string, ccfDims bool) error {
	var msgs []string
	if ccfDims {
		if r := v.Resolution(); r == math.Trunc(r) {
			if want, ok := CCFDims[int(r)]; ok && want != v.Dims {
				msgs = append(msgs, fmt.Sprintf("dimensions %v do not match the CCF v3 %g um volume %v (AP x DV x ML)", v.Dims, r, want))
			}
		}
	}
	counts := map[uint32]int{}
	var last uint32
	known := true
	for _, l := range v.Labels {
		if l == last {
			if !known {
				counts[l]++
			}
			continue
		}
		last = l
		_, known = o.ByLabel(int64(l))
		known = known || l == 0
		if !known {
			counts[l]++
		}
	}
	if len(counts) > 0 {
		type lc struct {
			l uint32
			n int
		}
		var list []lc
		for l, n := range counts {
			list = append(list, lc{l, n})
		}
		sort.Slice(list, func(a, b int) bool { return list[a].n > list[b].n || list[a].n == list[b].n && list[a].l < list[b].l })
		var parts []string
		for i, x := range list {
			if i == 8 {
				parts = append(parts, fmt.Sprintf("... %d labels in all", len(list)))
				break
			}
			parts = append(parts, fmt.Sprintf("%d (%d voxels)", x.l, x.n))
		}
		msgs = append(msgs, "labels not in the ontology: "+strings.Join(parts, ", "))
	}
	if len(msgs) == 0 {
		return nil
	}
	return &ccc.Error{Op: "validate annotation volume", Path: path, Row: -1, Msg: strings.Join(msgs, "; "),
		Hint: "use the annotation volume that belongs to this ontology (CCF 2017 volumes go with the 2017 structure graph)", Kind: ccc.ErrInvalidData}
}

// Histogram counts voxels per label.
func (v *Volume) Histogram() map[uint32]int {
	h := map[uint32]int{}
	for _, l := range v.Labels {
		h[l]++
	}
	return h
}
