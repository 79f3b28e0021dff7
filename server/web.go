package server

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed web
var webFiles embed.FS

// webHandler serves the explorer: index.html at "/" and its assets under
// /web/, from files embedded in the binary.
func webHandler() (index, assets http.Handler) {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(sub)
	index = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
		http.ServeFileFS(w, r, sub, "index.html")
	})
	return index, http.StripPrefix("/web/", files)
}
