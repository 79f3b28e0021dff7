package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Options size and shape a synthetic dataset.
type Options struct {
	Neurons  int    // neurons that make synapses (default 10,000)
	Synapses int64  // synapse rows (default 1,000,000)
	Seed     uint64 // random seed; equal seeds give equal files
	// Minimal writes only id, size, pre/post root ids and ctr position
	// (faster and smaller for benchmarks); default writes every CAVE column.
	Minimal bool
	// ChunkRows is the rows generated per chunk and Parquet row group
	// (default 1,048,576).
	ChunkRows int
	// ProofreadFraction of neurons in the proofreading table (default 0.0145,
	// about 1,300 neurons with proofread axons per 100,000).
	ProofreadFraction float64
	// Progress, when set, is called with the number of rows written so far.
	Progress func(rows int64)
}

// Files names the outputs in the output directory.
const (
	SynapsesFile       = "synapses.parquet"
	CellTypesAutoFile  = "cell_types_automated.csv"
	CellTypesManFile   = "cell_types_manual.csv"
	ProofreadingFile   = "proofreading_status.csv"
	synapseIDBase      = 100_000_000
	defaultChunkRows   = 1 << 20
	defaultProofFrac   = 0.0145
	localPartnerShare  = 0.6
	autapseShare       = 0.003
	extraSynapseChance = 0.45
)

// Summary describes what Generate wrote.
type Summary struct {
	Dir            string
	Synapses       int64
	Neurons        int
	Cells          int // rows of the automated cell-type table
	ManualCells    int
	Proofread      int // rows of the proofreading table
	ProofreadAxons int // rows with status_axon = t
	Files          []string
}

func (o *Options) defaults() {
	if o.Neurons <= 0 {
		o.Neurons = 10000
	}
	if o.Synapses < 0 {
		o.Synapses = 0
	}
	if o.ChunkRows <= 0 {
		o.ChunkRows = defaultChunkRows
	}
	if o.ProofreadFraction <= 0 {
		o.ProofreadFraction = defaultProofFrac
	}
}

// Generate writes a dataset into dir (created if needed).
func Generate(ctx context.Context, o Options, dir string) (*Summary, error) {
	o.defaults()
	if o.Neurons < 2 {
		return nil, fmt.Errorf("synth: need at least 2 neurons, got %d", o.Neurons)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	nm := newNeurons(o.Seed, o.Neurons, o.ProofreadFraction)
	sum := &Summary{Dir: dir, Synapses: o.Synapses, Neurons: o.Neurons}
	if err := writeSynapses(ctx, o, nm, filepath.Join(dir, SynapsesFile)); err != nil {
		return nil, err
	}
	sum.Files = append(sum.Files, filepath.Join(dir, SynapsesFile))
	if err := writeCells(o, nm, dir, sum); err != nil {
		return nil, err
	}
	return sum, nil
}

// chunk is one row group's worth of columns.
type chunk struct {
	n                                  int
	id, size, pre, post, preSV, postSV []int64
	created                            []int64
	pos                                [9][]int64 // pre xyz, post xyz, ctr xyz
}

func (nm *neurons) genChunk(o *Options, ci int, rows int) *chunk {
	r := rand.New(rand.NewPCG(o.Seed, uint64(ci)+1))
	c := &chunk{n: rows,
		id: make([]int64, rows), size: make([]int64, rows),
		pre: make([]int64, rows), post: make([]int64, rows)}
	for k := range c.pos {
		if o.Minimal && k < 6 {
			continue
		}
		c.pos[k] = make([]int64, rows)
	}
	if !o.Minimal {
		c.preSV = make([]int64, rows)
		c.postSV = make([]int64, rows)
		c.created = make([]int64, rows)
	}
	n := int32(len(nm.Root))
	base := int64(ci) * int64(o.ChunkRows)
	created0 := time.Date(2020, 11, 4, 6, 0, 0, 0, time.UTC).UnixMicro()
	i := 0
	for i < rows {
		pre := nm.OutAlias.sample(r)
		var post int32
		if r.Float64() < localPartnerShare {
			rk := int32(math.Round(float64(nm.Rank[pre]) + r.NormFloat64()*nm.Window))
			for rk < 0 || rk >= n { // reflect at the volume's edges
				if rk < 0 {
					rk = -rk
				}
				if rk >= n {
					rk = 2*(n-1) - rk
				}
			}
			post = nm.ByX[rk]
		} else {
			post = nm.InAlias.sample(r)
		}
		if r.Float64() < autapseShare {
			post = pre
		}
		k := 1
		for k < 30 && r.Float64() < extraSynapseChance {
			k++
		}
		for j := 0; j < k && i < rows; j++ {
			c.id[i] = synapseIDBase + base + int64(i)
			c.pre[i] = nm.Root[pre]
			c.post[i] = nm.Root[post]
			c.size[i] = int64(math.Exp(7.0 + 0.9*r.NormFloat64()))
			if c.size[i] < 20 {
				c.size[i] = 20
			}
			cx := clamp(nm.X[post]+15000*r.NormFloat64(), xLo-20000, xHi+20000)
			cy := clamp(nm.Y[post]+15000*r.NormFloat64(), 60000, 340000)
			cz := clamp(nm.Z[post]+1500*r.NormFloat64(), zLo-500, zHi+500)
			c.pos[6][i], c.pos[7][i], c.pos[8][i] = int64(cx), int64(cy), int64(cz)
			if !o.Minimal {
				for d := 0; d < 3; d++ {
					sd := 40.0
					if d == 2 {
						sd = 3
					}
					ctr := c.pos[6+d][i]
					c.pos[d][i] = ctr + int64(sd*r.NormFloat64())
					c.pos[3+d][i] = ctr + int64(sd*r.NormFloat64())
				}
				c.preSV[i] = supervoxel(c.pos[0][i], c.pos[1][i], c.pos[2][i], r)
				c.postSV[i] = supervoxel(c.pos[3][i], c.pos[4][i], c.pos[5][i], r)
				c.created[i] = created0 + r.Int64N(8*3600*1_000_000)
			}
			i++
		}
	}
	return c
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// supervoxel mimics chunk-encoded supervoxel ids (17 digits, spatially coherent).
func supervoxel(x, y, z int64, r *rand.Rand) int64 {
	x, y, z = max(x, 0)>>8, max(y, 0)>>8, max(z, 0)>>4
	return 73_000_000_000_000_000 + (x&0x7ff)<<36 + (y&0x7ff)<<24 + (z&0x7ff)<<13 + r.Int64N(1<<13)
}

func synapseSchema(minimal bool) *arrow.Schema {
	i64 := arrow.PrimitiveTypes.Int64
	f := func(name string, t arrow.DataType) arrow.Field { return arrow.Field{Name: name, Type: t} }
	if minimal {
		return arrow.NewSchema([]arrow.Field{f("id", i64), f("pre_pt_root_id", i64), f("post_pt_root_id", i64),
			f("size", i64), f("ctr_pt_position_x", i64), f("ctr_pt_position_y", i64), f("ctr_pt_position_z", i64)}, nil)
	}
	fs := []arrow.Field{f("id", i64), f("created", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}),
		f("valid", arrow.FixedWidthTypes.Boolean), f("size", i64),
		f("pre_pt_supervoxel_id", i64), f("pre_pt_root_id", i64), f("post_pt_supervoxel_id", i64), f("post_pt_root_id", i64)}
	for _, p := range []string{"pre_pt_position", "post_pt_position", "ctr_pt_position"} {
		for _, a := range []string{"_x", "_y", "_z"} {
			fs = append(fs, f(p+a, i64))
		}
	}
	return arrow.NewSchema(fs, nil)
}

func (c *chunk) record(schema *arrow.Schema, minimal bool) arrow.RecordBatch {
	mem := memory.DefaultAllocator
	i64 := func(v []int64) arrow.Array {
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(v, nil)
		return b.NewArray()
	}
	var cols []arrow.Array
	if minimal {
		cols = []arrow.Array{i64(c.id), i64(c.pre), i64(c.post), i64(c.size), i64(c.pos[6]), i64(c.pos[7]), i64(c.pos[8])}
	} else {
		tb := array.NewTimestampBuilder(mem, schema.Field(1).Type.(*arrow.TimestampType))
		for _, v := range c.created {
			tb.Append(arrow.Timestamp(v))
		}
		vb := array.NewBooleanBuilder(mem)
		for range c.n {
			vb.Append(true)
		}
		cols = []arrow.Array{i64(c.id), tb.NewArray(), vb.NewArray(), i64(c.size), i64(c.preSV), i64(c.pre), i64(c.postSV), i64(c.post)}
		tb.Release()
		vb.Release()
		for k := 0; k < 9; k++ {
			cols = append(cols, i64(c.pos[k]))
		}
	}
	rec := array.NewRecordBatch(schema, cols, int64(c.n))
	for _, a := range cols {
		a.Release()
	}
	return rec
}

func writeSynapses(ctx context.Context, o Options, nm *neurons, path string) error {
	schema := synapseSchema(o.Minimal)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCompressionLevel(1), parquet.WithMaxRowGroupLength(int64(o.ChunkRows)),
		parquet.WithDictionaryDefault(false), parquet.WithStats(true))
	w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		f.Close()
		return err
	}
	nChunks := int((o.Synapses + int64(o.ChunkRows) - 1) / int64(o.ChunkRows))
	workers := max(1, runtime.GOMAXPROCS(0))
	out := make([]chan *chunk, nChunks)
	for i := range out {
		out[i] = make(chan *chunk, 1)
	}
	sem := make(chan struct{}, workers+1)
	next := make(chan int)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ci := range next {
				rows := o.ChunkRows
				if rem := o.Synapses - int64(ci)*int64(o.ChunkRows); rem < int64(rows) {
					rows = int(rem)
				}
				out[ci] <- nm.genChunk(&o, ci, rows)
			}
		}()
	}
	go func() {
		defer close(next)
		for ci := 0; ci < nChunks; ci++ {
			select {
			case sem <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case next <- ci:
			case <-stop:
				return
			}
		}
	}()
	var werr error
	written := int64(0)
	for ci := 0; ci < nChunks; ci++ {
		if err := ctx.Err(); err != nil {
			werr = err
			break
		}
		c := <-out[ci]
		<-sem
		rec := c.record(schema, o.Minimal)
		if err := w.Write(rec); err != nil {
			rec.Release()
			werr = err
			break
		}
		rec.Release()
		written += int64(c.n)
		if o.Progress != nil {
			o.Progress(written)
		}
	}
	close(stop)
	wg.Wait()
	if nChunks == 0 {
		// an empty file still needs its schema
		if err := w.Write(array.NewRecordBatch(schema, emptyCols(schema), 0)); err != nil && werr == nil {
			werr = err
		}
	}
	if err := w.Close(); err != nil && werr == nil {
		werr = err
	}
	if werr != nil {
		return werr
	}
	return os.Rename(tmp, path)
}

func emptyCols(schema *arrow.Schema) []arrow.Array {
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		cols[i] = array.MakeArrayOfNull(memory.DefaultAllocator, f.Type, 0)
	}
	return cols
}
