package atlas

import (
	"sort"
	"strings"
	"unicode"
)

// Match kinds of Search, best first.
const (
	MatchAcronym       = "acronym"        // the acronym (or id) equals the query
	MatchName          = "name"           // the full name equals the query
	MatchAcronymPrefix = "acronym prefix" // the acronym starts with the query
	MatchNamePrefix    = "name prefix"    // the name starts with the query
	MatchNameWord      = "name word"      // every query word starts a word of the name
	MatchSubstring     = "substring"      // the name or acronym contains the query
)

var matchRank = map[string]int{MatchAcronym: 0, MatchName: 1, MatchAcronymPrefix: 2, MatchNamePrefix: 3, MatchNameWord: 4, MatchSubstring: 5}

// Match is one Search result.
type Match struct {
	*Region
	Kind string // one of the Match* constants
}

// Search finds regions whose acronym or name matches text,
// case-insensitively, best matches first, at most limit (0: all).
//
// Ranking: first the kind of match (exact acronym or id, exact name,
// acronym prefix, name prefix, every query word starting a word of the name,
// substring); among equal kinds shallower regions first, then lower ids
// (for the Allen CCF, the lower ids are the long-established structures;
// later additions got ids above 300,000,000). The subdivisions of a hit
// that are named after it (its layers: "Primary visual area layer 1" under
// "Primary visual area") follow it directly in ontology order instead of
// being ranked on their own. So "visual" gives VIS and its layers, then
// VISp and its layers, then the other visual areas.
func (o *Ontology) Search(text string, limit int) []Match {
	q := strings.ToLower(strings.TrimSpace(text))
	if q == "" {
		return nil
	}
	qwords := words(q)
	qid, qIsID := parseID(q)
	kind := make(map[int32]string)
	for k := range o.regions {
		r := &o.regions[k]
		acr, name := strings.ToLower(r.Acronym), strings.ToLower(r.Name)
		var m string
		switch {
		case acr == q || qIsID && r.ID == qid:
			m = MatchAcronym
		case name == q:
			m = MatchName
		case strings.HasPrefix(acr, q):
			m = MatchAcronymPrefix
		case strings.HasPrefix(name, q):
			m = MatchNamePrefix
		case len(qwords) > 0 && wordPrefixes(words(name), qwords):
			m = MatchNameWord
		case strings.Contains(name, q) || strings.Contains(acr, q):
			m = MatchSubstring
		default:
			continue
		}
		kind[int32(k)] = m
	}
	// subdivisions named after a matching parent follow that parent
	attached := map[int32][]int32{}
	var heads []int32
	for k, m := range kind {
		r := &o.regions[k]
		if r.ParentID != 0 {
			p := o.byID[r.ParentID]
			if pm, ok := kind[p]; ok && matchRank[m] >= matchRank[pm] &&
				strings.HasPrefix(strings.ToLower(r.Name), strings.ToLower(o.regions[p].Name)) {
				attached[p] = append(attached[p], k)
				continue
			}
		}
		heads = append(heads, k)
	}
	sort.Slice(heads, func(a, b int) bool {
		ra, rb := &o.regions[heads[a]], &o.regions[heads[b]]
		if x, y := matchRank[kind[heads[a]]], matchRank[kind[heads[b]]]; x != y {
			return x < y
		}
		if ra.Depth != rb.Depth {
			return ra.Depth < rb.Depth
		}
		return ra.ID < rb.ID
	})
	var out []Match
	var emit func(k int32)
	emit = func(k int32) {
		if limit > 0 && len(out) >= limit {
			return
		}
		out = append(out, Match{Region: &o.regions[k], Kind: kind[k]})
		ch := attached[k]
		sort.Slice(ch, func(a, b int) bool { return o.regions[ch[a]].Order < o.regions[ch[b]].Order })
		for _, c := range ch {
			emit(c)
		}
	}
	for _, h := range heads {
		emit(h)
	}
	return out
}

func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// wordPrefixes reports whether every query word starts some word of name.
func wordPrefixes(name, q []string) bool {
	for _, w := range q {
		ok := false
		for _, n := range name {
			if strings.HasPrefix(n, w) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
