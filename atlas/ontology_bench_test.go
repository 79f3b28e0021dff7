package atlas

import "testing"

// Per-call costs on the real CCF 2017 ontology (target: under 1 us).

var sinkIDs []int64
var sinkBool bool

func BenchmarkAncestors(b *testing.B) {
	o := loadCCF(b)
	ids := make([]int64, 0, o.Len())
	for _, r := range o.Regions() {
		ids = append(ids, r.ID)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkIDs = o.Ancestors(ids[i%len(ids)])
	}
}

func BenchmarkDescendants(b *testing.B) {
	o := loadCCF(b)
	for _, tc := range []struct {
		name string
		id   int64
	}{{"VISp", 385}, {"Isocortex", 315}} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkIDs = o.Descendants(tc.id)
			}
		})
	}
}

func BenchmarkIsDescendant(b *testing.B) {
	o := loadCCF(b)
	ids := make([]int64, 0, o.Len())
	for _, r := range o.Regions() {
		ids = append(ids, r.ID)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkBool = o.IsDescendant(ids[i%len(ids)], 315)
	}
}
