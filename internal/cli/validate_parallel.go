package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/textinput"
	"github.com/ccc-connectivity/ccc/linkml"
)

// Parallel decoding of CSV, TSV and JSON Lines files for 'ccc validate'
// (issue 18): the file is cut into chunks of whole records, the chunks are
// decoded on every core, and their records are validated in file order on
// one goroutine (the linkml.Stream tracks identifiers and references across
// records), while the pre-check that 'ccc ingest' makes (textinput) reads
// the same file concurrently. Verdicts and errors are the sequential
// path's: the pre-check's error wins, as when it ran first, and a decode
// error is the one the sequential decoder gives for the same file.

// validateChunkBytes is the size of the chunks read from a file;
// validateSequential turns the parallel paths off (tests compare both).
var (
	validateChunkBytes = 1 << 20
	validateSequential = false
)

// validateJSONPartBytes is the size of the parts a JSON array is cut into
// (parts are cut on guessed element starts, without reading: small parts
// cost nothing but a goroutine hand-over).
var validateJSONPartBytes = 64 << 10

// maxChunkCarry bounds the bytes of one record the chunk reader holds
// while it looks for the record's end (the pre-check refuses longer CSV
// records; bufio.Scanner refuses longer JSON lines).
const (
	maxCSVCarry  = 2 * textinput.DefaultMaxRecordBytes
	maxJSONCarry = 1 << 30
)

var errChunkTooLong = errors.New("record longer than the chunk reader holds")

type recordChunk struct {
	data  []byte
	first int // first line of the chunk (1-based)
}

// inOrder calls next for items (until it returns false or an error) on
// one goroutine, decodes them with decode on every core and calls emit
// with each item's records in the order next gave them; at most a few
// items per core are in flight. It stops at the first error (of next, a
// decoder, emit or abort, checked after each item).
func inOrder[T, R any](next func() (T, bool, error), decode func(T) (R, error), emit func(recs R) error, abort func() error) error {
	type result struct {
		recs R
		err  error
	}
	type job struct {
		item T
		res  chan result
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, workers)
	order := make(chan chan result, 2*workers+2)
	done := make(chan struct{})
	go func() {
		defer close(order)
		defer close(jobs)
		for {
			item, more, err := next()
			if !more && err == nil {
				return
			}
			res := make(chan result, 1)
			if err != nil {
				res <- result{err: err}
			}
			select {
			case order <- res:
			case <-done:
				return
			}
			if err != nil {
				return
			}
			select {
			case jobs <- job{item, res}:
			case <-done:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				recs, err := decode(j.item)
				j.res <- result{recs, err}
			}
		}()
	}
	err := func() error {
		for res := range order {
			d := <-res
			if d.err != nil {
				return d.err
			}
			if err := emit(d.recs); err != nil {
				return err
			}
			if err := abort(); err != nil {
				return err
			}
		}
		return nil
	}()
	close(done)
	for range order { // let next's goroutine see done and exit
	}
	wg.Wait()
	return err
}

// chunkRecords reads r in chunks cut by cut (the end of the last whole
// record in b, 0 if none) and decodes and emits them with inOrder.
func chunkRecords(r io.Reader, cut func(b []byte) int, maxCarry int, decode func(c *recordChunk) ([]any, error),
	emit func(recs []any) error, abort func() error) error {
	var carry []byte
	line, eof := 1, false
	next := func() (*recordChunk, bool, error) {
		for !eof {
			b := make([]byte, len(carry), max(len(carry)+validateChunkBytes, 2*len(carry)))
			copy(b, carry)
			n, err := io.ReadFull(r, b[len(carry):cap(b)])
			b = b[:len(carry)+n]
			eof = errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
			if err != nil && !eof {
				return nil, false, err
			}
			k := len(b)
			if !eof {
				k = cut(b)
			}
			if k == 0 {
				if len(b) > maxCarry {
					return nil, false, errChunkTooLong
				}
				carry = b
				continue
			}
			c := &recordChunk{data: b[:k], first: line}
			line += bytes.Count(b[:k], []byte{'\n'})
			carry = b[k:]
			return c, true, nil
		}
		return nil, false, nil
	}
	return inOrder(next, decode, emit, abort)
}

// addRows returns an emit function for inOrder: it validates records in
// order as rows[n], rows[n+1], ... of the stream and counts them in n.
func addRows(st *linkml.Stream, all *[]linkml.Violation, n *int) func(recs []any) error {
	return func(recs []any) error {
		for _, rec := range recs {
			*all = st.AddAt(rec, "rows", *n, *all)
			*n++
		}
		return nil
	}
}

// cutLines returns the end of the last whole line of b.
func cutLines(b []byte) int { return bytes.LastIndexByte(b, '\n') + 1 }

// cutDelimited returns the end of the last whole CSV/TSV record of b: the
// last newline outside quotes. Quotes pair up in a file the pre-check
// accepts; on any other file the pre-check's error is reported instead.
func cutDelimited(b []byte) int {
	last, i := 0, 0
	for i < len(b) {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			if j := bytes.LastIndexByte(b[i:], '\n'); j >= 0 {
				last = i + j + 1
			}
			return last
		}
		if j := bytes.LastIndexByte(b[i:i+q], '\n'); j >= 0 {
			last = i + j + 1
		}
		i += q + 1
		e := bytes.IndexByte(b[i:], '"') // the closing quote ("" is two of them)
		if e < 0 {
			return last
		}
		i += e + 1
	}
	return last
}

// precheck runs the pre-check of 'ccc ingest' on a file concurrently,
// started by need (from any goroutine) when a chunk holds something the
// pre-check might refuse; a file whose every chunk is clean passes it by
// construction, and then it never runs.
type precheck struct {
	file string
	kind textinput.Kind
	mu   sync.Mutex
	ch   chan error
	err  error
	got  bool
}

func (p *precheck) need() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ch == nil {
		p.ch = make(chan error, 1)
		go func() { p.ch <- textinput.CheckFile(p.file, p.kind, textinput.Limits{}) }()
	}
}

// failed returns the pre-check's error if it has finished.
func (p *precheck) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ch == nil || p.got {
		return p.err
	}
	select {
	case p.err = <-p.ch:
		p.got = true
	default:
	}
	return p.err
}

// wait returns the pre-check's error (nil if it never started).
func (p *precheck) wait() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ch != nil && !p.got {
		p.err, p.got = <-p.ch, true
	}
	return p.err
}

// validateJSONLParallel is the JSON Lines case of validateFile. Lines
// that linkml.DecodeJSONLines reads strictly, in valid UTF-8 without NUL
// bytes, pass the pre-check (textinput.CheckJSON) by construction.
func validateJSONLParallel(file string, st *linkml.Stream, all *[]linkml.Violation) (int, error) {
	pc := &precheck{file: file, kind: textinput.JSON}
	f, err := textinput.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	err = chunkRecords(f, cutLines, maxJSONCarry, func(c *recordChunk) ([]any, error) {
		var recs []any
		strict, err := linkml.DecodeJSONLines(c.data, c.first, func(_ int, rec any) error {
			recs = append(recs, rec)
			return nil
		})
		if !strict || !utf8.Valid(c.data) || bytes.IndexByte(c.data, 0) >= 0 {
			pc.need()
		}
		return recs, err
	}, addRows(st, all, &n), pc.failed)
	if err != nil {
		pc.need() // a read or decode error: the pre-check's error comes first
	}
	if cerr := pc.wait(); cerr != nil {
		return 0, cerr
	}
	if errors.Is(err, errChunkTooLong) {
		err = errors.New("bufio.Scanner: token too long")
	}
	if err != nil {
		return n, &ccc.Error{Op: "validate", Path: file, Row: -1, Msg: err.Error(), Kind: ccc.ErrFormat}
	}
	return n, nil
}

// validateDelimitedParallel is the CSV/TSV case of validateFile. ok is
// false (and nothing was read into the stream) when the file's header is
// not one plain line: the sequential path then validates the file. A
// chunk without quotes and NUL bytes, in valid UTF-8, whose rows all have
// as many fields as the header, passes the pre-check
// (textinput.CheckDelimited) by construction; the header is checked alone.
func validateDelimitedParallel(opts *validateOptions, s *linkml.Schema, v *linkml.Validator, st *linkml.Stream, file string,
	comma rune, all *[]linkml.Violation) (n int, ok bool, err error) {
	kind := textinput.CSV
	if comma == '\t' {
		kind = textinput.TSV
	}
	f, err := textinput.Open(file)
	if err != nil {
		return 0, true, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	line, lerr := br.ReadString('\n')
	if lerr != nil || strings.ContainsRune(line, '"') || len(line) > 1<<20 {
		return 0, false, nil
	}
	pc := &precheck{file: file, kind: kind}
	if _, err := textinput.CheckDelimited(strings.NewReader(line), file, comma, textinput.Limits{}); err != nil {
		pc.need()
	}
	fail := func(err error) error {
		return &ccc.Error{Op: "validate", Path: file, Row: -1, Msg: err.Error(), Kind: ccc.ErrFormat}
	}
	// the header's notes go to stderr once the pre-check passed, as when
	// it ran first
	var notes bytes.Buffer
	hopts := *opts
	hopts.IO = &IO{In: opts.IO.In, Out: opts.IO.Out, ErrOut: &notes, Getenv: opts.IO.Getenv}
	hr, drop := mappedDelimited(&hopts, s, file, strings.NewReader(line), comma)
	dec, err := v.NewDelimitedDecoder(hr, comma)
	if err != nil || dec == nil {
		// no header on the first line (a blank line before it, ...): the
		// sequential path reads the file
		return 0, false, nil
	}
	err = chunkRecords(br, cutDelimited, maxCSVCarry, func(c *recordChunk) ([]any, error) {
		var recs []any
		uniform, err := dec.Decode(bytes.NewReader(c.data), 0, func(_ int, rec map[string]any) error {
			recs = append(recs, dropKeys(rec, drop))
			return nil
		})
		if !uniform || bytes.IndexByte(c.data, '"') >= 0 || bytes.IndexByte(c.data, 0) >= 0 || !utf8.Valid(c.data) {
			pc.need()
		}
		return recs, err
	}, addRows(st, all, &n), pc.failed)
	if err != nil {
		pc.need()
	}
	if cerr := pc.wait(); cerr != nil {
		return 0, true, cerr
	}
	_, _ = opts.IO.ErrOut.Write(notes.Bytes())
	if err != nil {
		// the sequential decoder's error (its line numbers count from the
		// file's start)
		f2, oerr := textinput.Open(file)
		if oerr != nil {
			return n, true, oerr
		}
		defer f2.Close()
		in, _ := mappedDelimited(&hopts, s, file, f2, comma)
		if serr := v.DecodeDelimited(in, comma, func(int, map[string]any) error { return nil }); serr != nil {
			return n, true, fail(serr)
		}
		return n, true, fail(fmt.Errorf("%v (the file's records could not be cut into chunks)", err))
	}
	return n, true, nil
}

var (
	errArrayClosed = errors.New("the array is complete")
	errNotStrict   = errors.New("not strict JSON")
)

// validateJSONArrayParallel validates the elements of a JSON array read in
// parts on every core (linkml.JSONArrayReader) and validated in order as
// the parts join: records and paths are those of the whole document's
// decoding (rows[i] counts the elements json_clean keeps). ok is false
// when the document turns out not to be strict JSON: what its records did
// to the stream is then rolled back and nothing was added to all. The maps
// of validated records are cleared and filled again by later parts (the
// stream keeps values, never a record's map).
func validateJSONArrayParallel(st *linkml.Stream, r *linkml.JSONArrayReader, all *[]linkml.Violation) (n int, ok bool) {
	type part struct {
		k int
		p *linkml.JSONArrayPart
	}
	k := 0
	next := func() (int, bool, error) {
		if k >= r.Parts() {
			return 0, false, nil
		}
		k++
		return k - 1, true, nil
	}
	free := make(chan []map[string]any, 2*runtime.GOMAXPROCS(0)+4)
	keep := len(*all)
	st.Checkpoint()
	add := addRows(st, all, &n)
	pos := 0
	err := inOrder(next, func(k int) (part, error) {
		var pool []map[string]any
		p := r.Part(k, func() map[string]any {
			for len(pool) == 0 {
				select {
				case pool = <-free:
				default:
					return make(map[string]any, 8)
				}
			}
			m := pool[len(pool)-1]
			pool = pool[:len(pool)-1]
			return m
		})
		return part{k, p}, nil
	}, func(pt part) error {
		q, nextPos, closed, strict := r.Join(pt.k, pos, pt.p, nil)
		if !strict {
			return errNotStrict
		}
		_ = add(q.Records)
		maps := make([]map[string]any, 0, len(q.Records))
		for _, rec := range q.Records {
			if m, isMap := rec.(map[string]any); isMap {
				clear(m)
				maps = append(maps, m)
			}
		}
		if len(maps) > 0 {
			select {
			case free <- maps:
			default:
			}
		}
		if closed {
			return errArrayClosed
		}
		pos = nextPos
		return nil
	}, func() error { return nil })
	if err != nil && err != errArrayClosed {
		st.Rollback()
		*all = (*all)[:keep]
		return 0, false
	}
	st.Commit()
	return n, true
}
