package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves first-party CSS and JS at checksum URLs, so browsers
// cache them for good and a new release is fetched at once.
type staticFiles struct {
	files map[string][]byte
	sums  map[string]string
}

func loadStatic() *staticFiles {
	s := &staticFiles{files: map[string][]byte{}, sums: map[string]string{}}
	entries, _ := fs.ReadDir(staticFS, "static")
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		s.files[e.Name()] = b
		s.sums[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return s
}

// url returns the checksum URL of a static file.
func (s *staticFiles) url(name string) string {
	return "/static/" + s.sums[name] + "/" + name
}

func (h *handler) staticFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := h.static.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.PathValue("sum") == h.static.sums[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	w.Write(b)
}
