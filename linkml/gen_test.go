package linkml

import (
	"bytes"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

func TestERDiagramBasic(t *testing.T) {
	s, err := Load("testdata/basic/schema.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.ERDiagram(&b, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"erDiagram\nContainer {\n}\n",
		"Region {\nstring id\ninteger n\n",
		"integerList ints\n",
		"HexColor h\n",
		"Color c\n",
		"Container ||--}o Region : \"regions\"\n",
		"Region ||--|o Region : \"parent\"\n",
		"Region ||--}o Region : \"kids\"\n",
		"Region ||--|o Loc : \"loc\"\n",
		"Loc {\nfloat x\nfloat y\n}\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestSQL(t *testing.T) {
	s, err := Load("testdata/basic/schema.yaml", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []SQLDialect{DuckDB, Postgres} {
		var b bytes.Buffer
		if err := s.SQL(&b, d); err != nil {
			t.Fatal(err)
		}
		t.Log(b.String())
	}
}

func TestGoStructsTypeCheck(t *testing.T) {
	s, err := LoadBuiltin(LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.GoStructs(&b, "model"); err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := goparser.ParseFile(fset, "model.go", b.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&types.Config{}).Check("model", fset, []*ast.File{f}, nil); err != nil {
		t.Fatalf("generated Go does not type-check: %v", err)
	}
	for _, want := range []string{"type BrainRegion struct {", "StructureIDPath string", "ParentIdentifier string", "StructureID *int64", "DescendantAnnotationValues []int64"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q", want)
		}
	}
	for in, want := range map[string]string{"structure_id_path": "StructureIDPath", "id": "ID", "3d-shape": "X3dShape", "pre_pt_root_id": "PrePtRootID", "HexColor": "HexColor"} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}
