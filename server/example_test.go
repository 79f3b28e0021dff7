package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/ccc-connectivity/ccc/server"
	"github.com/ccc-connectivity/ccc/store"
)

// A server over an (empty) store, asked for its health and for a table
// that is not there.
func ExampleNew() {
	dir, _ := os.MkdirTemp("", "ccc-example-*")
	defer os.RemoveAll(dir)
	st, _ := store.Init(dir)
	defer st.Close()
	srv, err := server.New(server.Config{Store: st})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, path := range []string{"/healthz", "/api/v1/tables/Synapse?format=csv"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			panic(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d %s", resp.StatusCode, b)
	}
	// Output:
	// 200 {
	//   "status": "ok",
	//   "version": 0
	// }
	// 404 {
	//   "error": "not found: no Synapse table at version 0 (classes: )",
	//   "status": 404
	// }
}
