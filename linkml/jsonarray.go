package linkml

import (
	"bytes"
	"math"
	"unsafe"
)

// A JSON array document (the .json files of records that linkml-validate
// reads) decoded on every core (issue 18). Where an element ends depends
// on every byte before it, so the document is cut speculatively: at
// guessed element starts (a comma, white space, then the byte the first
// element starts with). Each part is read from its guess on any
// goroutine, and the parts are joined in order: a part is kept when it
// starts exactly where the part before it ended, which makes its reading
// the one a single pass would have made from there; any other part is
// read again from where the one before it ended. The elements are then
// exactly those of a single pass, whatever the guesses were.

// StrictJSONArray reports whether data is one JSON array that
// DecodeJSONStrict reads, and returns the byte spans of its elements:
// each element then decodes alone with DecodeJSONElement, on any core,
// and the elements DecodeJSON keeps are those DecodeJSONElement keeps.
func StrictJSONArray(data []byte) (spans [][2]int, ok bool) {
	r, ok := NewJSONArrayReader(data, math.MaxInt)
	if !ok {
		return nil, false
	}
	if r.Parts() == 0 {
		return nil, true
	}
	p := r.read(r.bounds[0], math.MaxInt, true, nil)
	return p.spans, p.ok
}

// JSONArrayReader reads a JSON array held in memory in parts.
type JSONArrayReader struct {
	data   []byte
	doc    string // data as a string: decoded strings are its substrings
	bounds []int  // guessed part starts; bounds[0] is the first element's start
}

// JSONArrayPart is a part of an array as Part or Join read it: Records are
// its elements that json_clean keeps, decoded as DecodeJSON decodes them
// inside the whole document.
type JSONArrayPart struct {
	Records []any
	spans   [][2]int // with records: not kept
	start   int      // where it was read from
	end     int      // where the next element starts; -1: the array closed
	ok      bool     // the bytes read are strict JSON
}

// NewJSONArrayReader cuts data, which must open a JSON array (ok false
// otherwise), into parts of about partBytes. It takes data over: the
// caller must not modify it afterwards, since the strings of decoded
// records share its bytes (no copy of the document or of its strings).
func NewJSONArrayReader(data []byte, partBytes int) (*JSONArrayReader, bool) {
	p := fastJSON{b: data, skip: true}
	p.space()
	if p.i >= len(data) || data[p.i] != '[' {
		return nil, false
	}
	p.i++
	p.space()
	r := &JSONArrayReader{data: data, doc: unsafe.String(unsafe.SliceData(data), len(data))}
	if p.i < len(data) && data[p.i] == ']' {
		p.i++
		p.space()
		return r, p.i == len(data) // no parts
	}
	if p.i >= len(data) {
		return nil, false
	}
	r.bounds = []int{p.i}
	for at := p.i + partBytes; partBytes > 0 && at < len(data)-partBytes/2 && at > 0; at += partBytes {
		g := guessElementStart(data, at, data[r.bounds[0]])
		if g < 0 {
			break
		}
		r.bounds = append(r.bounds, g)
		at = g
	}
	return r, true
}

// Parts is the number of parts (0 for an empty array).
func (r *JSONArrayReader) Parts() int { return len(r.bounds) }

// Part reads part k from its guessed start (safe for concurrent use).
// maps, when not nil, returns empty maps for the object elements to fill
// (recycled records).
func (r *JSONArrayReader) Part(k int, maps func() map[string]any) *JSONArrayPart {
	return r.read(r.bounds[k], r.limit(k), false, maps)
}

// Join returns part k as a single pass reads it from pos, where the part
// before it ended (part 0: pos 0): p itself when p started there, else
// the part read again from pos. next is where the part after it starts;
// closed means the array ended in this part (only white space follows, and
// the parts after it hold nothing). ok is false when the document is not
// strict JSON: another decoder must read it.
func (r *JSONArrayReader) Join(k, pos int, p *JSONArrayPart, maps func() map[string]any) (q *JSONArrayPart, next int, closed, ok bool) {
	if k == 0 {
		pos = r.bounds[0]
	}
	q = p
	if p.start != pos || !p.ok {
		q = r.read(pos, r.limit(k), false, maps)
	}
	return q, q.end, q.end < 0, q.ok
}

func (r *JSONArrayReader) limit(k int) int {
	if k+1 < len(r.bounds) {
		return r.bounds[k+1]
	}
	return math.MaxInt
}

// read reads elements from from (where an element starts) until the next
// element starts at or after limit, or the array closes. spans: record
// the elements' spans without decoding them.
func (r *JSONArrayReader) read(from, limit int, spans bool, maps func() map[string]any) *JSONArrayPart {
	part := &JSONArrayPart{start: from}
	p := fastJSON{b: r.data, s: r.doc, i: from, skip: spans, clean: true, slabs: true}
	for {
		if maps != nil && p.reuse == nil {
			p.reuse = maps()
		}
		start := p.i
		v, ok := p.value(1)
		if !ok {
			return part
		}
		switch {
		case spans:
			part.spans = append(part.spans, [2]int{start, p.i})
		case !p.empty:
			part.Records = append(part.Records, v)
		default:
			if m, isMap := v.(map[string]any); isMap && maps != nil {
				p.reuse = m // an element written {}: dropped, its map still empty
			}
		}
		closed, ok := p.next(']')
		if !ok {
			return part
		}
		p.space()
		if closed {
			part.end, part.ok = -1, p.i == len(r.data)
			return part
		}
		if p.i >= limit {
			part.end, part.ok = p.i, true
			return part
		}
	}
}

// guessElementStart returns the first position at or after at that
// follows a comma and white space and holds the byte first (the first
// element's first byte), looking at most 1 MB ahead; -1 if none.
func guessElementStart(data []byte, at int, first byte) int {
	for i, stop := at, min(len(data), at+1<<20); i < stop; {
		j := bytes.IndexByte(data[i:stop], ',')
		if j < 0 {
			return -1
		}
		k := i + j + 1
		for k < len(data) && (data[k] == ' ' || data[k] == '\t' || data[k] == '\n' || data[k] == '\r') {
			k++
		}
		if k < len(data) && data[k] == first {
			return k
		}
		i = k
	}
	return -1
}
