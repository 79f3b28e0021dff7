package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/ccc-connectivity/ccc"
)

// ReadVerified reads a table's whole Parquet file (at most max bytes) and
// checks it against the manifest's SHA-256, so that a reader that is not
// robust against damaged files (arrow-go panics on some, in its own
// goroutines) only ever parses the bytes the store wrote. A larger file, or
// one whose checksum differs, is a ccc.ErrFormat error naming it.
func ReadVerified(t TableInfo, max int64) ([]byte, error) {
	f, err := os.Open(t.Path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", t.Path, err)
	}
	if int64(len(data)) > max {
		return nil, damagedTable(t, fmt.Sprintf("file larger than %d bytes", max))
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != t.SHA256 {
		return nil, damagedTable(t, checksumDiffers(t))
	}
	return data, nil
}

// VerifyFile checks a table's Parquet file against the manifest's SHA-256
// without holding it in memory (a streaming hash), for readers that parse
// the file in place afterwards. A differing checksum is a ccc.ErrFormat
// error naming the file.
func VerifyFile(t TableInfo) error {
	f, err := os.Open(t.Path)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("store: read %s: %w", t.Path, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != t.SHA256 {
		return damagedTable(t, checksumDiffers(t))
	}
	return nil
}

func checksumDiffers(t TableInfo) string {
	return "the file's SHA-256 differs from the manifest's (" + short(t.SHA256) + ")"
}

// damagedTable is the error of a table file that is not what the manifest
// says.
func damagedTable(t TableInfo, msg string) error {
	return &ccc.Error{Op: "read table", Path: t.Path, Row: -1, Value: t.Class, Msg: msg, Kind: ccc.ErrFormat,
		Hint: "run 'ccc store check' (it names the damaged files and how to restore them)"}
}
