package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/linkml"
)

// TestChecksAgreeWithLinkMLValidator runs the same CSV through the
// loader's SQL checks and through package linkml's record validator (the
// engine that mirrors linkml-validate) and expects the same (row, slot)
// violations.
func TestChecksAgreeWithLinkMLValidator(t *testing.T) {
	sch := testSchemaT(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id,parent,color,depth\n")
	bad := map[int]string{}
	for i := 0; i < 400; i++ {
		color, depth, id := "08858C", fmt.Sprint(i%9), fmt.Sprint(1000+i)
		switch i % 37 {
		case 3:
			color = "08858Z" // pattern
			bad[i] = "color"
		case 5:
			depth = "-2" // minimum
			bad[i] = "depth"
		case 11:
			depth = "deep" // type
			bad[i] = "depth"
		case 17:
			id = "" // required identifier
			bad[i] = "id"
		}
		fmt.Fprintf(&b, "%s,,%s,%s\n", id, color, depth)
	}
	p := filepath.Join(dir, "regions.csv")
	os.WriteFile(p, []byte(b.String()), 0o644)

	s := newStore(t)
	r, err := Run(context.Background(), s, Options{Class: "Region", Dataset: "d", Inputs: []string{p}, Schema: sch, MaxErrors: 1000})
	if err == nil {
		t.Fatal("expected rejection")
	}
	var ours []string
	for _, e := range r.Errors {
		ours = append(ours, fmt.Sprintf("%d:%s", *e.Row, e.Field))
	}
	sort.Strings(ours)

	v, err := sch.NewValidator("Region", linkml.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	var theirs []string
	err = v.DecodeDelimited(f, ',', func(row int, rec map[string]any) error {
		for _, vi := range v.Validate(rec) {
			slot := vi.Path[strings.LastIndex(vi.Path, ".")+1:]
			theirs = append(theirs, fmt.Sprintf("%d:%s", row, slot))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(theirs)
	if strings.Join(ours, " ") != strings.Join(theirs, " ") {
		t.Fatalf("violations differ\ningest: %v\nlinkml: %v", ours, theirs)
	}
	if len(ours) != len(bad) {
		t.Fatalf("%d violations, planted %d", len(ours), len(bad))
	}
}
