package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc/server"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { registerQuickstartStep(95, "serve", quickstartServe) }

// quickstartServe serves the demo store on a free loopback port for a
// moment, asks it an atlas and a synapse question as a client would, and
// saves its OpenAPI document.
func quickstartServe(q *quickstartEnv) error {
	st, err := store.Open(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := server.New(server.Config{Store: st})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := srv.HTTPServer(ln.Addr().String())
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	get := func(path string) ([]byte, error) {
		resp, err := http.Get(base + path)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s: %s", path, resp.Status, b)
		}
		return b, err
	}
	table := func(path string) ([][]string, error) {
		b, err := get(path)
		if err != nil {
			return nil, err
		}
		return csv.NewReader(strings.NewReader(string(b))).ReadAll()
	}
	out := q.IO.Out
	fmt.Fprintf(out, "   served the store at %s (the same API as 'ccc serve')\n", base)
	anc, err := table("/api/v1/atlas/regions/VISp/ancestors?format=csv")
	if err != nil {
		return err
	}
	var path []string
	for _, r := range anc[1:] {
		path = append(path, r[1])
	}
	fmt.Fprintf(out, "   GET /api/v1/atlas/regions/VISp/ancestors: %s\n", strings.Join(path, " > "))
	deg, err := table("/api/v1/synapses/degree?format=csv")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   GET /api/v1/synapses/degree: %d neurons (CSV; also JSON, Parquet, Arrow)\n", len(deg)-1)
	doc, err := get("/openapi.json")
	if err != nil {
		return err
	}
	p := filepath.Join(q.OutDir, "openapi.json")
	if err := os.WriteFile(p, doc, 0o644); err != nil {
		return err
	}
	q.Output("OpenAPI document of ccc serve", p)
	fmt.Fprintf(out, "   serve it yourself: ccc serve --store %s, then open http://127.0.0.1:8080/ or use ccc.Client from Python (docs/tutorial.md)\n", q.StoreDir)
	return nil
}
