package linkml

// intSet is a set of int64 identifiers: a bitmap for small non-negative
// ids (the common case: dense database keys), a map for the rest. It
// keeps 10^8-row uniqueness checks cache friendly.
type intSet struct {
	bits []uint64
	m    map[int64]struct{}
	n    int
}

const intSetBitmapLimit = 1 << 28 // ids below this use the bitmap (<= 32 MiB)

// add inserts x and reports whether it was already present.
func (s *intSet) add(x int64) (dup bool) {
	if x >= 0 && x < intSetBitmapLimit {
		w := int(x >> 6)
		if w >= len(s.bits) {
			n := max(w+1, 2*len(s.bits), 1024)
			nb := make([]uint64, n)
			copy(nb, s.bits)
			s.bits = nb
		}
		b := uint64(1) << (uint(x) & 63)
		if s.bits[w]&b != 0 {
			return true
		}
		s.bits[w] |= b
		s.n++
		return false
	}
	if s.m == nil {
		s.m = map[int64]struct{}{}
	}
	if _, ok := s.m[x]; ok {
		return true
	}
	s.m[x] = struct{}{}
	s.n++
	return false
}

func (s *intSet) has(x int64) bool {
	if x >= 0 && x < intSetBitmapLimit {
		w := int(x >> 6)
		return w < len(s.bits) && s.bits[w]&(uint64(1)<<(uint(x)&63)) != 0
	}
	_, ok := s.m[x]
	return ok
}

// remove deletes x (present or not).
func (s *intSet) remove(x int64) {
	if x >= 0 && x < intSetBitmapLimit {
		w := int(x >> 6)
		b := uint64(1) << (uint(x) & 63)
		if w < len(s.bits) && s.bits[w]&b != 0 {
			s.bits[w] &^= b
			s.n--
		}
		return
	}
	if _, ok := s.m[x]; ok {
		delete(s.m, x)
		s.n--
	}
}
