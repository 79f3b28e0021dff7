package server_test

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/server"
	"github.com/ccc-connectivity/ccc/store"
)

func BenchmarkTmpSynQuery(b *testing.B) {
	dir := os.Getenv("H16_STORE")
	if dir == "" {
		b.Skip()
	}
	st, _ := store.Open(dir)
	srv, _ := server.New(server.Config{Store: st, Threads: 1})
	h := srv.Handler()
	idsb, _ := os.ReadFile("/tmp/h16ids.txt")
	ids := strings.Fields(string(idsb))
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/synapses/query?pre="+ids[i%len(ids)]+"&columns=id,pre_pt_root_id,post_pt_root_id,size", nil)
		req.Header.Set("Accept", "application/vnd.apache.arrow.stream")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body.String())
		}
		i++
	}
}
