package server_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc/server"
)

// TestAPIDoc: docs/api.md is the generated description of the routes.
// CCC_UPDATE_DOCS=1 rewrites it.
func TestAPIDoc(t *testing.T) {
	var b bytes.Buffer
	if err := server.WriteAPIMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "api.md")
	if os.Getenv("CCC_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with CCC_UPDATE_DOCS=1 go test ./server -run TestAPIDoc)", err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("docs/api.md is out of date: run CCC_UPDATE_DOCS=1 go test ./server -run TestAPIDoc")
	}
	for _, w := range []string{"### `GET /api/v1/synapses/query`", "| `pre` | query | string |", "### `POST /api/v1/datasets/{dataset}/tables/{class}`"} {
		if !bytes.Contains(got, []byte(w)) {
			t.Errorf("docs/api.md lacks %q", w)
		}
	}
}
