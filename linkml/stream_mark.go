package linkml

// Checkpoints of a Stream: a caller that validates records while it is
// still reading them (the strict JSON reader, which may find at the end
// of a document that another reader must decode it) undoes what those
// records did to the Stream, so that validating them again is as if the
// first pass never happened.

// streamMark is what a Stream must undo to return to a Checkpoint: the
// counts at the checkpoint and every identifier and unique-key value
// recorded since.
type streamMark struct {
	n, refs, sources int
	ints             []markedInt
	strs             []markedStr
	uniq             []markedKey
}

type markedInt struct {
	set *intSet
	x   int64
}

type markedStr struct {
	set map[string]int
	id  string
}

type markedKey struct {
	key int
	val string
}

// Checkpoint starts recording what Add and AddAt change, until Rollback
// undoes it or Commit keeps it. A new Checkpoint replaces the last one.
func (s *Stream) Checkpoint() {
	s.mark = &streamMark{n: s.n, refs: len(s.refs), sources: len(s.sources)}
}

// Commit keeps the records added since Checkpoint and stops recording.
func (s *Stream) Commit() { s.mark = nil }

// Rollback forgets the records added since Checkpoint: their identifiers,
// unique-key values and pending references, and their count. (The
// violations they produced are the caller's to drop.) Without a
// checkpoint it does nothing.
func (s *Stream) Rollback() {
	m := s.mark
	if m == nil {
		return
	}
	for _, e := range m.ints {
		e.set.remove(e.x)
	}
	for _, e := range m.strs {
		delete(e.set, e.id)
	}
	for _, e := range m.uniq {
		delete(s.uniq[e.key], e.val)
	}
	s.n, s.refs, s.sources = m.n, s.refs[:m.refs], s.sources[:m.sources]
	s.mark = nil
}
