package linkml

import (
	"bytes"
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
