package taxonomy

import "testing"

// BenchmarkHierarchy: per-call cost of the hierarchy queries on a
// WMB-sized synthetic taxonomy (about 5,000 clusters).
func BenchmarkHierarchy(b *testing.B) {
	tx, err := Build("s", Synthetic(1, 300), BuildOptions{Levels: SyntheticLevels})
	if err != nil {
		b.Fatal(err)
	}
	n := int32(tx.Len())
	b.Run("AncestorAt", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = tx.AncestorAt(1+int32(i)%n, 2)
		}
	})
	b.Run("Descendants", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = tx.Descendants(1 + int32(i)%n)
		}
	})
	b.Run("IsDescendant", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = tx.IsDescendant(1+int32(i)%n, 1)
		}
	})
}
