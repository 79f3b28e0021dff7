package projection

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refAggregate is the whole-grid reference of the chunked accumulation:
// every grid read whole with ReadGrid, added voxel by voxel in input order.
func refAggregate(t *testing.T, ins []Input, res *Result) [][]float32 {
	t.Helper()
	d := res.Dims
	n, plane, nml := d[0]*d[1]*d[2], d[0]*d[1], d[2]
	byID := map[int64]int{}
	for g, gr := range res.Groups {
		for _, id := range gr.Experiments {
			byID[id] = g
		}
	}
	acc := make([][]float32, len(res.Groups))
	cnt := make([]int, len(res.Groups))
	for i, in := range ins {
		g := byID[in.Experiment.ID]
		if acc[g] == nil {
			acc[g] = make([]float32, n)
		}
		grid, err := ReadGrid(in.GridPath, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := res.Metadata[i]
		s := float32(1 / m.InjectionVolume)
		for j := 0; j < n; j++ {
			k := j / plane
			mir := (nml-1-k)*plane + j%plane
			switch {
			case m.InjectedHemisphere == "left" && k < nml/2, m.InjectedHemisphere == "right" && k >= nml-nml/2:
				acc[g][j] += (grid.Data[j] - grid.Data[mir]) * s
			}
		}
		cnt[g]++
	}
	for g := range acc {
		inv := 1 / float64(cnt[g])
		for j, v := range acc[g] {
			acc[g][j] = float32(float64(v) * inv)
		}
	}
	return acc
}

// TestAccumulateChunks checks the chunked, batched, parallel accumulation
// bit for bit against the whole-grid reference, for every worker count,
// on grids cut into whole-plane chunks and into parts of one plane (with an
// odd number of ML planes: the middle plane belongs to neither half), with
// grids read chunk by chunk (float32 .raw) and whole (float64 MetaImage),
// and across batch boundaries.
func TestAccumulateChunks(t *testing.T) {
	for _, tc := range []struct {
		name string
		dims [3]int
		n    int
	}{
		{"whole planes", [3]int{60, 40, 15}, 9},
		{"parts of a plane", [3]int{210, 170, 7}, 5},
		{"more grids than a batch", [3]int{8, 4, 6}, batchGrids + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := Cache{Dir: t.TempDir()}
			ins, err := Synthetic(cache, SyntheticOptions{N: tc.n, Dims: tc.dims, Spacing: 100, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			// the second grid as float64 samples: read whole, not by chunks
			g, err := ReadGrid(ins[1].GridPath, tc.dims, nil)
			if err != nil {
				t.Fatal(err)
			}
			raw := strings.TrimSuffix(ins[1].GridPath, ".mhd") + ".raw"
			b := make([]byte, 8*len(g.Data))
			for i, v := range g.Data {
				binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(float64(v)))
			}
			hdr, _ := os.ReadFile(ins[1].GridPath)
			if err := os.WriteFile(ins[1].GridPath, []byte(strings.Replace(string(hdr), "MET_FLOAT", "MET_DOUBLE", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(raw, b, 0o644); err != nil {
				t.Fatal(err)
			}
			var first *Result
			for _, w := range []int{1, 2, 3, 8} {
				res, err := Aggregate(context.Background(), ins, AggregateOptions{Dims: tc.dims, Spacing: 100,
					Normalization: NormVolume, Subtract: true, GroupBy: GroupAP, Bins: 3, Workers: w})
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = res
					want := refAggregate(t, ins, res)
					sides := map[string]int{}
					for _, m := range res.Metadata {
						sides[m.InjectedHemisphere]++
					}
					if sides["left"] == 0 || sides["right"] == 0 {
						t.Fatalf("hemispheres %v: both sides must be exercised", sides)
					}
					nonzero := 0
					for gi := range want {
						for j := range want[gi] {
							if math.Float32bits(res.Mean[gi][j]) != math.Float32bits(want[gi][j]) {
								t.Fatalf("group %d voxel %d: %v, reference %v", gi, j, res.Mean[gi][j], want[gi][j])
							}
							if want[gi][j] != 0 {
								nonzero++
							}
						}
					}
					if nonzero*20 < len(want)*len(want[0]) { // at least 5% of the voxels
						t.Fatalf("only %d non-zero voxels: the comparison is weak", nonzero)
					}
					if res.BytesRead != int64(tc.n*tc.dims[0]*tc.dims[1]*tc.dims[2]*4) {
						t.Fatalf("BytesRead %d", res.BytesRead)
					}
					continue
				}
				same := func(res *Result, what string) {
					for gi := range first.Mean {
						for j := range first.Mean[gi] {
							if math.Float32bits(res.Mean[gi][j]) != math.Float32bits(first.Mean[gi][j]) {
								t.Fatalf("%d workers%s: group %d voxel %d differs from 1 worker", w, what, gi, j)
							}
						}
					}
				}
				same(res, "")
				if w == 2 { // one grid per batch, individual volumes kept
					res, err := Aggregate(context.Background(), ins, AggregateOptions{Dims: tc.dims, Spacing: 100,
						Normalization: NormVolume, Subtract: true, GroupBy: GroupAP, Bins: 3, Workers: w, KeepIndividual: true})
					if err != nil {
						t.Fatal(err)
					}
					same(res, " keeping individual volumes")
					if len(res.Individual) != tc.n || res.Individual[tc.n-1] == nil {
						t.Fatalf("individual volumes: %d", len(res.Individual))
					}
				}
			}
		})
	}
}

// TestAccumulateBadGrids: every bad grid is reported (too short, too
// long), not only the first, and nothing is returned.
func TestAccumulateBadGrids(t *testing.T) {
	dims := [3]int{8, 4, 6}
	cache := Cache{Dir: t.TempDir()}
	ins, err := Synthetic(cache, SyntheticOptions{N: 4, Dims: dims, Spacing: 100, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	raw := func(i int) string { return strings.TrimSuffix(ins[i].GridPath, ".mhd") + ".raw" }
	b, _ := os.ReadFile(raw(1))
	os.WriteFile(raw(1), b[:len(b)-4], 0o644)
	b, _ = os.ReadFile(raw(3))
	os.WriteFile(raw(3), append(b, 0, 0, 0, 0), 0o644)
	res, err := Aggregate(context.Background(), ins, AggregateOptions{Dims: dims, Spacing: 100})
	if err == nil || res != nil {
		t.Fatalf("bad grids accepted: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "truncated: 764 bytes of data, want 768") || !strings.Contains(msg, "772 bytes of data, want 768") ||
		!strings.Contains(msg, raw(1)) || !strings.Contains(msg, raw(3)) {
		t.Fatalf("error does not name both bad grids: %v", msg)
	}
}

// TestAccumulateFileCutWhileMapped: a grid file truncated by another
// process after it was opened (and, on Linux, mapped) gives an error, not
// a crash (SIGBUS on the mapped pages becomes a panic, recovered).
func TestAccumulateFileCutWhileMapped(t *testing.T) {
	dims := [3]int{60, 40, 15}
	cache := Cache{Dir: t.TempDir()}
	ins, err := Synthetic(cache, SyntheticOptions{N: 1, Dims: dims, Spacing: 100, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	s, err := openSource(&ins[0], plan{scale: 1}, 0, dims)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := os.Truncate(strings.TrimSuffix(ins[0].GridPath, ".mhd")+".raw", 0); err != nil {
		t.Fatal(err)
	}
	n := dims[0] * dims[1] * dims[2]
	err = addBatch(context.Background(), []*source{s}, [][]float32{make([]float32, n)}, nil, nil, chunks(dims), dims, 2)
	if err == nil || !strings.Contains(err.Error(), "changed while it was read") && !strings.Contains(err.Error(), "became shorter") {
		t.Fatalf("truncated while open: %v", err)
	}
	t.Log(err)
}

// FuzzAggregateGridFile: any MetaImage header and data file size given to
// the chunked accumulation (mapped or read, float32 or float64, any
// offset) gives a result of the right size or an error, never a panic.
func FuzzAggregateGridFile(f *testing.F) {
	hdr := "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\nDimSize = 2 1 4\nElementType = %s\nElementDataFile = density.raw\n"
	f.Add(fmt.Sprintf(hdr, "MET_FLOAT"), 32, true)
	f.Add(fmt.Sprintf(hdr, "MET_DOUBLE"), 64, false)
	f.Add(fmt.Sprintf(hdr, "MET_FLOAT"), 31, true)
	f.Add(strings.Replace(fmt.Sprintf(hdr, "MET_FLOAT"), "ElementDataFile = density.raw", "HeaderSize = 3\nElementDataFile = density.raw", 1), 35, false)
	f.Add(strings.Replace(fmt.Sprintf(hdr, "MET_UCHAR"), "BinaryDataByteOrderMSB = False", "CompressedData = True", 1), 20, true)
	f.Fuzz(func(t *testing.T, header string, rawLen int, subtract bool) {
		if rawLen < 0 || rawLen > 1<<12 {
			return
		}
		dir := t.TempDir()
		mhd := filepath.Join(dir, "density.mhd")
		raw := make([]byte, rawLen)
		for i := range raw {
			raw[i] = byte(i*7 + 1)
		}
		if os.WriteFile(mhd, []byte(header), 0o644) != nil || os.WriteFile(filepath.Join(dir, "density.raw"), raw, 0o644) != nil {
			t.Skip()
		}
		dims := [3]int{2, 1, 4}
		ins := []Input{{Experiment: Experiment{ID: 1, InjectionAP: 1, InjectionML: 50}, GridPath: mhd}}
		res, err := Aggregate(context.Background(), ins, AggregateOptions{Dims: dims, Spacing: 100, Subtract: subtract, Workers: 2})
		if err == nil && (len(res.Mean) != 1 || len(res.Mean[0]) != 8) {
			t.Fatalf("result of %d volumes", len(res.Mean))
		}
	})
}
