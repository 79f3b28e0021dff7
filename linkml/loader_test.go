package linkml

import (
	"testing"
)

func TestLoadBasic(t *testing.T) {
	s, err := Load("testdata/basic/schema.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Classes(); len(got) != 3 || got[0] != "Container" || got[2] != "Region" {
		t.Fatalf("classes = %v", got)
	}
	for _, sl := range s.InducedSlots("Region") {
		t.Logf("%s range=%s req=%v mv=%v inl=%v", sl.Name, sl.Range, sl.IsRequired(), sl.IsMultivalued(), s.IsInlined(sl))
	}
}
