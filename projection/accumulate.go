package projection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"unsafe"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/zarr"
)

// The accumulation streams the grids through the cache instead of reading
// each grid whole and then adding it: the volume is cut into chunks of
// about chunkFloats voxels (whole ML planes at 100 um, parts of one plane
// at finer resolutions), and for each chunk every grid of a batch is read
// (and, for hemisphere subtraction, the mirrored chunk) and added into the
// group sums. On Linux the data files are mapped (no copy out of the page
// cache); otherwise chunks are read with pread into a small per-worker
// buffer pair. The chunk of every group sum stays in the core's L2 cache,
// so each grid byte crosses memory once and each sum once per batch,
// instead of a whole-grid copy, a re-read and a sum read and written per
// experiment. Workers take
// interleaved chunks (balanced when most injections are on one side);
// within a chunk the grids are added in input order, so the sums are
// identical whatever the number of workers.
const (
	chunkFloats = 32 << 10 // 128 KiB of float32 per chunk
	batchGrids  = 64       // grids open at once (file descriptors)
	batchMemory = 512 << 20
)

// chunk is planes [k0, k1) and, within each, voxels [a, b) of the plane
// (either whole planes, or a part of a single plane).
type chunk struct{ k0, k1, a, b int }

func chunks(dims [3]int) []chunk {
	plane, nml := dims[0]*dims[1], dims[2]
	var cs []chunk
	if plane <= chunkFloats {
		per := chunkFloats / plane
		for k := 0; k < nml; k += per {
			cs = append(cs, chunk{k, min(k+per, nml), 0, plane})
		}
		return cs
	}
	parts := (plane + chunkFloats - 1) / chunkFloats
	step := (plane + parts - 1) / parts
	for k := 0; k < nml; k++ {
		for a := 0; a < plane; a += step {
			cs = append(cs, chunk{k, k + 1, a, min(a+step, plane)})
		}
	}
	return cs
}

// source is one opened grid: little-endian float32 samples at off in f
// (the Allen layout, read chunk by chunk), or the decoded samples in data
// (compressed or float64 files, read whole).
type source struct {
	idx  int
	p    plan
	path string
	f    *os.File
	off  int64
	data []float32
	// mapped is the data file mapped read-only (Linux), data then its
	// samples: read without a copy
	mapped []byte
}

// openSource opens a grid for chunked reads, checking its header and that
// the data file holds exactly the samples the header describes.
func openSource(in *Input, p plan, idx int, dims [3]int) (*source, error) {
	h, err := openGridHeader(in.GridPath, dims)
	if err != nil {
		return nil, err
	}
	s := &source{idx: idx, p: p, path: in.GridPath}
	n := dims[0] * dims[1] * dims[2]
	if h.pre != nil || h.gzip || h.elemSize != 4 {
		g, err := ReadGrid(in.GridPath, dims, nil)
		if err != nil {
			return nil, err
		}
		s.data = g.Data
		return s, nil
	}
	f, err := os.Open(h.dataFile)
	if err != nil {
		return nil, gridErr(h.dataFile, "cannot read the grid data", "run 'ccc projections fetch' for this experiment", ccc.ErrNotFound)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, gridErr(h.dataFile, "cannot read the grid data", "", ccc.ErrFormat)
	}
	want := int64(n) * 4
	if got := st.Size() - h.offset; got < want {
		f.Close()
		return nil, truncated(h, max(got, 0), want)
	} else if got > want {
		f.Close()
		return nil, gridErr(h.dataFile, fmt.Sprintf("%d bytes of data, want %d (%dx%dx%d x %d bytes)", got, want,
			h.dims[0], h.dims[1], h.dims[2], h.elemSize), "the header does not match the data file", ccc.ErrInvalidData)
	}
	s.f, s.off = f, h.offset
	if h.offset%4 != 0 {
		return s, nil // samples not aligned in the file: pread
	}
	if m := mapFile(f, h.offset+want); m != nil {
		s.mapped = m
		s.data = unsafe.Slice((*float32)(unsafe.Pointer(&m[h.offset])), n)[:n:n]
	}
	return s, nil
}

func (s *source) close() {
	if s.mapped != nil {
		s.data = nil
		unmapFile(s.mapped)
		s.mapped = nil
	}
	if s.f != nil {
		s.f.Close()
	}
}

// read returns count samples from sample offset at, into buf when read
// from the file.
func (s *source) read(at, count int, buf []float32) ([]float32, error) {
	if s.data != nil {
		return s.data[at : at+count], nil
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(buf))), count*4)
	k, err := s.f.ReadAt(b, s.off+int64(at)*4)
	if k < len(b) {
		if err == nil || err == io.EOF {
			err = errors.New("the file became shorter while it was read")
		}
		return nil, &ccc.Error{Op: "read grid", Path: s.path, Row: -1, Msg: "cannot read the grid data", Kind: ccc.ErrFormat, Err: err}
	}
	return buf[:count], nil
}

// accumulate reads every grid once and fuses normalization, hemisphere
// subtraction and the per-group sums (see chunkFloats).
func accumulate(ctx context.Context, inputs []Input, plans []plan, res *Result) error {
	o := res.Options
	n := o.Dims[0] * o.Dims[1] * o.Dims[2]
	ng := len(res.Groups)
	var indArr *zarr.Array
	var indC []float32
	if o.KeepIndividual && o.IndividualDir != "" {
		ids := make([]int64, len(inputs))
		for i := range inputs {
			ids[i] = inputs[i].Experiment.ID
		}
		var err error
		indArr, err = zarr.Create(o.IndividualDir, zarr.Meta{Format: 3, Shape: []int{len(inputs), o.Dims[0], o.Dims[1], o.Dims[2]},
			Chunks: []int{1, o.Dims[0], o.Dims[1], o.Dims[2]}, DataType: zarr.Float32, Compressor: zarr.Zstd,
			DimensionNames: []string{"volume", "ap", "dv", "ml"},
			Attributes: map[string]any{"description": "processed projection density per experiment (zeros: left out)", "experiments": ids,
				"spacing_um": o.Spacing, "parameters": o.Params()}})
		if err != nil {
			return err
		}
		indC = make([]float32, n)
		res.IndividualDir = o.IndividualDir
	} else if o.KeepIndividual {
		res.Individual = make([][]float32, len(inputs))
	}
	acc := make([][]float32, ng)
	count := make([]int, ng)
	cs := chunks(o.Dims)
	workers := max(1, min(o.Workers, len(cs)))
	last := -1 // the last grid to add
	for i := range inputs {
		if plans[i].group >= 0 {
			last = i
		}
	}
	var errs []error
	var batch []*source
	var ind []float32
	var batchMem int
	closeBatch := func() {
		for _, s := range batch {
			s.close()
		}
		batch, batchMem = batch[:0], 0
	}
	defer closeBatch()
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		defer closeBatch()
		if len(errs) > 0 {
			return nil // keep opening to report every bad grid, skip the work
		}
		for _, s := range batch {
			if acc[s.p.group] == nil {
				acc[s.p.group] = make([]float32, n)
			}
			count[s.p.group]++
			res.BytesRead += int64(n) * 4
		}
		// the last batch also turns the sums into means, chunk by chunk
		// while they are in cache
		var inv []float64
		if batch[len(batch)-1].idx == last {
			inv = make([]float64, ng)
			for g, c := range count {
				if c > 0 {
					inv[g] = 1 / float64(c)
				}
			}
		}
		if err := addBatch(ctx, batch, acc, ind, inv, cs, o.Dims, workers); err != nil {
			return err
		}
		if o.KeepIndividual {
			s := batch[0]
			if indArr != nil {
				toC(indC, ind, o.Dims)
				return indArr.WriteChunk([]int{s.idx, 0, 0, 0}, f32bytes(indC))
			}
			res.Individual[s.idx] = ind
		}
		return nil
	}
	for i := range inputs {
		if plans[i].group < 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		s, err := openSource(&inputs[i], plans[i], i, o.Dims)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		batch = append(batch, s)
		if s.mapped == nil {
			batchMem += 4 * len(s.data)
		}
		if o.KeepIndividual { // one grid per batch: its processed volume is complete after it
			if indArr == nil || ind == nil {
				ind = make([]float32, n)
			} else {
				clear(ind)
			}
		}
		if o.KeepIndividual || len(batch) == batchGrids || batchMem >= batchMemory {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	res.Mean = make([][]float32, ng)
	for g := 0; g < ng; g++ {
		if res.Mean[g] = acc[g]; acc[g] == nil {
			res.Mean[g] = make([]float32, n)
		}
	}
	for i := range inputs {
		if g := plans[i].group; g >= 0 {
			res.Groups[g].Experiments = append(res.Groups[g].Experiments, inputs[i].Experiment.ID)
		}
	}
	return nil
}

// addBatch adds the grids of one batch into acc (and ind, when not nil:
// then the batch is one grid), workers taking interleaved chunks. With inv
// (the last batch), each chunk of every sum is then multiplied by its
// group's inv (float64, rounded back to float32: numpy's
// (acc.astype(float64) * (1/count)).astype(float32)).
func addBatch(ctx context.Context, batch []*source, acc [][]float32, ind []float32, inv []float64, cs []chunk, dims [3]int, workers int) error {
	plane := dims[0] * dims[1]
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// a mapped file cut short by another process faults (SIGBUS):
			// an error, not a crash
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				if r := recover(); r != nil {
					errs[w] = &ccc.Error{Op: "read grid", Row: -1, Msg: fmt.Sprintf("a grid file changed while it was read: %v", r), Kind: ccc.ErrFormat}
				}
			}()
			bufA, bufB := make([]float32, chunkFloats), make([]float32, chunkFloats)
			for c := w; c < len(cs); c += workers {
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				for _, s := range batch {
					if err := addChunk(s, acc[s.p.group], ind, cs[c], dims, bufA, bufB); err != nil {
						errs[w] = err
						return
					}
				}
				if inv == nil {
					continue
				}
				ch := cs[c]
				for g, sum := range acc {
					if sum == nil || inv[g] == 0 {
						continue
					}
					for k := ch.k0; k < ch.k1; k++ {
						scaleF64(sum[k*plane+ch.a:k*plane+ch.b], inv[g])
					}
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// addChunk adds chunk c of grid s into acc (and ind): scaled values (no
// subtraction), or injected-half voxels minus their mirror across the
// midline (plane k mirrors plane nml-1-k), the other half left alone.
func addChunk(s *source, acc, ind []float32, c chunk, dims [3]int, bufA, bufB []float32) error {
	plane, nml := dims[0]*dims[1], dims[2]
	k0, k1 := c.k0, c.k1
	switch {
	case s.p.side < 0:
		k1 = min(k1, nml/2)
	case s.p.side > 0:
		k0 = max(k0, nml-nml/2)
	}
	if k0 >= k1 {
		return nil
	}
	w := c.b - c.a
	sc := float32(s.p.scale)
	// whole planes are contiguous; a part of one plane is one run
	va, err := s.read(k0*plane+c.a, (k1-k0-1)*plane+w, bufA)
	if err != nil {
		return err
	}
	if s.p.side == 0 {
		for k := k0; k < k1; k++ {
			at := k*plane + c.a
			v := va[(k-k0)*plane:][:w]
			if ind != nil {
				scaleInd(acc[at:at+w], ind[at:at+w], v, sc)
			} else {
				scaleAdd(acc[at:at+w], v, sc)
			}
		}
		return nil
	}
	m0 := nml - k1 // the mirrored planes, in reverse order
	vb, err := s.read(m0*plane+c.a, (k1-k0-1)*plane+w, bufB)
	if err != nil {
		return err
	}
	for k := k0; k < k1; k++ {
		at := k*plane + c.a
		a := va[(k-k0)*plane:][:w]
		b := vb[(nml-1-k-m0)*plane:][:w]
		if ind != nil {
			diffScaleInd(acc[at:at+w], ind[at:at+w], a, b, sc)
		} else {
			diffScaleAdd(acc[at:at+w], a, b, sc)
		}
	}
	return nil
}

// scaleInd does ind[j] = v[j]*s; acc[j] += ind[j].
func scaleInd(acc, ind, v []float32, s float32) {
	ind = ind[:len(v)]
	acc = acc[:len(v)]
	for j, x := range v {
		d := x * s
		acc[j] += d
		ind[j] = d
	}
}

// diffScaleInd does ind[j] = (a[j]-b[j])*s; acc[j] += ind[j].
func diffScaleInd(acc, ind, a, b []float32, s float32) {
	ind = ind[:len(a)]
	acc = acc[:len(a)]
	b = b[:len(a)]
	for j := range a {
		d := (a[j] - b[j]) * s
		acc[j] += d
		ind[j] = d
	}
}
