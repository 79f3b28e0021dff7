package atlas

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/download"
)

// TestKnownSHA256Table: the built-in checksums are keyed by the official
// URLs and are well-formed SHA-256 hex digests.
func TestKnownSHA256Table(t *testing.T) {
	want := map[int]string{
		10: "a9e9654ef491f0af107dc0a61bd720dabe7f36e8f3e9239532bf3dbdc94ef24c",
		25: "c620cbcc562183e4dcd40250d440130501781f74b41de35b1c1bdabace290c42",
	}
	for res, sum := range want {
		u, err := AnnotationURL(res)
		if err != nil {
			t.Fatal(err)
		}
		if got := KnownSHA256[u]; got != sum {
			t.Errorf("KnownSHA256[%s] = %q, want %q", u, got, sum)
		}
	}
	for u, sum := range KnownSHA256 {
		if !strings.HasPrefix(u, AllenAnnotationBase) || !strings.HasPrefix(u, "https://") {
			t.Errorf("entry %s is not an official https URL", u)
		}
		if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size || sum != strings.ToLower(sum) {
			t.Errorf("entry %s: %q is not a lower-case SHA-256", u, sum)
		}
	}
}

// TestDownloadChecksKnownSHA256: with no --sha256, a download of a URL in
// the table must match its entry; a mismatch fails and leaves no file.
func TestDownloadChecksKnownSHA256(t *testing.T) {
	body := []byte("NRRD0004\nnot really a volume\n")
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(body)
	}))
	defer srv.Close()
	url := srv.URL + "/annotation_25.nrrd"
	policy := download.Policy{Transport: srv.Client().Transport.(*http.Transport)}
	sum := sha256.Sum256(body)

	for _, tc := range []struct {
		name, known string
		ok          bool
	}{
		{"matching entry", hex.EncodeToString(sum[:]), true},
		{"mismatching entry", strings.Repeat("0", 64), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			KnownSHA256[url] = tc.known
			defer delete(KnownSHA256, url)
			dest := filepath.Join(t.TempDir(), "annotation_25.nrrd")
			res, err := Download(context.Background(), url, dest, DownloadOptions{Policy: policy, Retries: -1})
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if res.SHA256 != tc.known {
					t.Fatalf("SHA256 = %s, want %s", res.SHA256, tc.known)
				}
				return
			}
			if err == nil || !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), "checksum mismatch") {
				t.Fatalf("err = %v, want a checksum mismatch", err)
			}
			if _, serr := os.Stat(dest); !os.IsNotExist(serr) {
				t.Fatalf("%s left behind after a checksum mismatch (stat: %v)", dest, serr)
			}
		})
	}
}
