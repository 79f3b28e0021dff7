package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// sha256File streams a file through SHA-256.
func sha256File(path string) (sum string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	size, err = io.CopyBuffer(h, f, buf)
	if err != nil {
		return "", 0, fmt.Errorf("store: read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// treeHash hashes a directory: SHA-256 over the lines
// "<slash path>\x00<size>\x00<sha256 of content>\n" of every regular file,
// in lexical path order. With fsync it also syncs each file (before the
// directory is moved into place).
func treeHash(dir string, fsync bool) (sum string, files int, size int64, err error) {
	var paths []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return "", 0, 0, err
	}
	sort.Strings(paths)
	h := sha256.New()
	dirs := map[string]bool{}
	for _, p := range paths {
		s, n, err := sha256File(p)
		if err != nil {
			return "", 0, 0, err
		}
		if fsync {
			if err := fsyncFile(p); err != nil {
				return "", 0, 0, err
			}
			dirs[filepath.Dir(p)] = true
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s\x00%d\x00%s\n", filepath.ToSlash(rel), n, s)
		files++
		size += n
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return "", 0, 0, err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), files, size, nil
}

// hashInput checksums an input file, or a directory as a tree.
func hashInput(path string) (string, int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", 0, err
	}
	if st.IsDir() {
		sum, _, size, err := treeHash(path, false)
		return sum, size, err
	}
	return sha256File(path)
}

func fsyncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
