package linkml

import (
	"bytes"
	"math"
	"sync"
	"unsafe"
)

// A JSON array document (the .json files of records that linkml-validate
// reads) checked and decoded on every core (issue 18). The grammar check
// that finds the elements is sequential by nature (where an element ends
// depends on every byte before it), so it is split speculatively: the
// document is cut at guessed element starts (a comma followed by the byte
// the first element starts with), each part is read from its guess on its
// own goroutine, and the parts are joined in order: a part is kept only
// when it starts exactly where the part before it ended, which makes its
// reading the one a single pass would have made from there; any other part
// is read again from where the one before it ended. The spans are then
// exactly those of a single pass, whatever the guesses were.

// jsonArrayMinPart is the smallest part worth a goroutine.
const jsonArrayMinPart = 64 << 10

// StrictJSONArray reports whether data is one JSON array that
// DecodeJSONStrict reads, and returns the byte spans of its elements:
// each element then decodes alone with DecodeJSONElement, on any core,
// and the elements DecodeJSON keeps are those DecodeJSONElement keeps.
func StrictJSONArray(data []byte) (spans [][2]int, ok bool) {
	return strictJSONArray(data, 1, jsonArrayMinPart)
}

// JSONArray is a strict JSON array held in memory (see ParseJSONArray).
type JSONArray struct {
	doc   string
	spans [][2]int
}

// ParseJSONArray is StrictJSONArray on up to parts goroutines, for
// documents that Element then decodes. It takes data over: the caller must
// not modify it afterwards, since the strings of decoded elements share
// its bytes (no copy of the document or of any string in it).
func ParseJSONArray(data []byte, parts int) (*JSONArray, bool) {
	spans, ok := strictJSONArray(data, parts, jsonArrayMinPart)
	if !ok {
		return nil, false
	}
	return newJSONArray(data, spans), true
}

func newJSONArray(data []byte, spans [][2]int) *JSONArray {
	return &JSONArray{doc: unsafe.String(unsafe.SliceData(data), len(data)), spans: spans}
}

// Len is the number of elements of the array.
func (a *JSONArray) Len() int { return len(a.spans) }

// Element decodes element i as DecodeJSONElement does (keep is false for
// the elements json_clean drops); it is safe for concurrent use.
func (a *JSONArray) Element(i int) (v any, keep bool) {
	return a.ElementInto(i, nil)
}

// ElementInto is Element that, when element i is an object and m is not
// nil, fills m (which must be empty) with its members and returns it
// rather than allocating a new map (m is used exactly when v is a map, or
// when keep is false for an element written {}): callers recycle the maps
// of records they are done with.
func (a *JSONArray) ElementInto(i int, m map[string]any) (v any, keep bool) {
	sp := a.spans[i]
	s := a.doc[:sp[1]]
	p := fastJSON{b: unsafe.Slice(unsafe.StringData(s), len(s)), s: s, i: sp[0], clean: true, reuse: m}
	v, ok := p.value(1)
	if !ok || p.i != sp[1] {
		panic("linkml: JSONArray.Element on a span ParseJSONArray did not return")
	}
	// the element itself is dropped when it was written null, [] or {}
	return v, !p.empty
}

// strictJSONArray is StrictJSONArray in up to parts parts of at least
// minPart bytes.
func strictJSONArray(data []byte, parts, minPart int) ([][2]int, bool) {
	p := fastJSON{b: data, skip: true}
	p.space()
	if p.i >= len(data) || data[p.i] != '[' {
		return nil, false
	}
	p.i++
	p.space()
	if p.i < len(data) && data[p.i] == ']' {
		p.i++
		p.space()
		return nil, p.i == len(data)
	}
	if p.i >= len(data) {
		return nil, false
	}
	start := p.i
	bounds := []int{start}
	if n := len(data) - start; parts > 1 && n >= 2*minPart {
		parts = min(parts, n/minPart)
		for k := 1; k < parts; k++ {
			if g := guessElementStart(data, start+k*(n/parts), data[start]); g > bounds[len(bounds)-1] {
				bounds = append(bounds, g)
			}
		}
	}
	limit := func(k int) int {
		if k+1 < len(bounds) {
			return bounds[k+1]
		}
		return math.MaxInt
	}
	type part struct {
		spans [][2]int
		end   int
		ok    bool
	}
	res := make([]part, len(bounds))
	var wg sync.WaitGroup
	for k := 1; k < len(bounds); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &res[k]
			r.spans, r.end, r.ok = arrayRun(data, bounds[k], limit(k))
		}()
	}
	r := &res[0]
	r.spans, r.end, r.ok = arrayRun(data, start, limit(0))
	wg.Wait()
	var spans [][2]int
	pos := start
	for k := range res {
		r := res[k]
		if bounds[k] != pos || !r.ok {
			// the guess was no element start (or the part is not
			// strict): read it from where the part before it ended
			if r.spans, r.end, r.ok = arrayRun(data, pos, limit(k)); !r.ok {
				return nil, false
			}
		}
		if spans == nil {
			spans = r.spans
		} else {
			spans = append(spans, r.spans...)
		}
		if r.end < 0 {
			return spans, true
		}
		pos = r.end
	}
	return nil, false // not reached: the last part closes the array or fails
}

// arrayRun reads elements of an array from from (where an element starts)
// until the next element starts at or after limit (end is that start) or
// the array closes (end -1; only white space may follow). ok is false when
// the bytes are not strict JSON.
func arrayRun(data []byte, from, limit int) (spans [][2]int, end int, ok bool) {
	p := fastJSON{b: data, i: from, skip: true}
	for {
		start := p.i
		if _, ok := p.value(1); !ok {
			return nil, 0, false
		}
		spans = append(spans, [2]int{start, p.i})
		closed, ok := p.next(']')
		if !ok {
			return nil, 0, false
		}
		p.space()
		if closed {
			return spans, -1, p.i == len(data)
		}
		if p.i >= limit {
			return spans, p.i, true
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
