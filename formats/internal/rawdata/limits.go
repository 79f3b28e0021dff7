package rawdata

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/sysmem"
)

// DefaultMaxBytes is the memory a read may need when the caller sets no
// bound (sysmem.DefaultMaxBytes: the machine's memory, or GOMEMLIMIT when
// lower).
func DefaultMaxBytes() int64 { return sysmem.DefaultMaxBytes() }

// Need returns the bytes of memory reading n samples of typeSize bytes
// needs: the raw bytes plus the decoded slice (one buffer for 1-byte
// samples, which are not copied), or for text encodings the float64 values
// parsed plus the converted slice.
func Need(n, typeSize int, text bool) int64 {
	if text {
		return int64(n) * int64(8+typeSize)
	}
	if typeSize <= 1 {
		return int64(n)
	}
	return 2 * int64(n) * int64(typeSize)
}

// CheckSize refuses a read whose samples would need more than maxBytes of
// memory (0: DefaultMaxBytes) before anything is allocated or decompressed.
// op is the error's Op ("read nrrd"), field the header field holding the
// sizes and flag the command-line flag that raises the bound.
func CheckSize(op, path, field string, sizes []int, n, typeSize int, text bool, maxBytes int64) error {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes()
	}
	need := Need(n, typeSize, text)
	if need <= maxBytes {
		return nil
	}
	return &ccc.Error{Op: op, Path: path, Row: -1, Field: field, Value: strings.Trim(fmt.Sprint(sizes), "[]"), Kind: ccc.ErrInvalidData,
		Msg: fmt.Sprintf("the header declares %d samples of %d bytes: reading them needs %s of memory, more than the limit of %s",
			n, typeSize, FormatBytes(need), FormatBytes(maxBytes)),
		Hint: "if the file is genuine and the machine has the memory, raise the limit with --max-bytes (e.g. --max-bytes " + FormatBytes(need) + ")"}
}

// FormatBytes prints a byte count with a binary unit (32GiB, 1.5MiB, 7B).
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) + units[i]
}

// DataPath resolves a data file named by a header (value of field) against
// the header's directory dir and refuses one that lies outside it (an
// absolute path elsewhere, "../", or a symlink leading out) unless
// allowExternal. headerPath names the header in errors.
func DataPath(op, headerPath, dir, field, value string, allowExternal bool) (string, error) {
	p := value
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	p = filepath.Clean(p)
	if allowExternal {
		return p, nil
	}
	refuse := func(msg string) error {
		return &ccc.Error{Op: op, Path: headerPath, Row: -1, Field: field, Value: value, Kind: ccc.ErrInvalidData,
			Msg:  msg,
			Hint: "keep the data file next to its header, or pass --allow-external-data if you trust this header"}
	}
	base, err := filepath.Abs(dir)
	if err != nil {
		return "", refuse("cannot resolve the header's directory")
	}
	if r, err := filepath.EvalSymlinks(base); err == nil {
		base = r
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", refuse("cannot resolve the data file")
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, os.ErrNotExist) {
		// resolve what exists (the directory) so that a missing file is
		// reported as missing, and a path out of the directory as such
		if d, derr := filepath.EvalSymlinks(filepath.Dir(abs)); derr == nil {
			real = filepath.Join(d, filepath.Base(abs))
		} else {
			real = abs
		}
	} else if err != nil {
		return "", refuse("cannot resolve the data file: " + err.Error())
	}
	rel, err := filepath.Rel(base, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", refuse(fmt.Sprintf("the data file %s lies outside the header's directory %s", real, base))
	}
	return p, nil
}
