package synapse

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// ParseIDs reads root ids from a flag value: "ID,ID,..." or "@FILE". A file
// holds ids separated by commas, spaces or newlines, or is a CSV table with a
// header, in which case the pt_root_id (or root_id, id) column is read.
func ParseIDs(flag, arg string) ([]int64, error) {
	arg = strings.TrimSpace(arg)
	if strings.HasPrefix(arg, "@") {
		return parseIDFile(flag, arg[1:])
	}
	var out []int64
	for _, tok := range strings.FieldsFunc(arg, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		v, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			return nil, &ccc.Error{Op: "parse ids", Row: -1, Field: flag, Value: tok, Msg: "not an integer root id",
				Hint: "give ids like 864691135808473885, comma-separated, or @FILE", Kind: ccc.ErrUsage}
		}
		out = append(out, v)
	}
	if out == nil {
		out = []int64{}
	}
	return out, nil
}

func parseIDFile(flag, path string) ([]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ccc.Error{Op: "parse ids", Path: path, Row: -1, Field: flag, Msg: "cannot open id file", Kind: ccc.ErrNotFound, Err: err}
	}
	defer f.Close()
	br := bufio.NewReader(f)
	first, _ := br.Peek(4096)
	line := string(first)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	tok := ""
	if fs := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }); len(fs) > 0 {
		tok = fs[0]
	}
	if _, err := strconv.ParseInt(tok, 10, 64); err != nil && tok != "" {
		return parseIDCSV(flag, path, br)
	}
	var out []int64
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 1<<20) // lines up to 1 MB
	ln := 0
	for sc.Scan() {
		ln++
		for _, t := range strings.FieldsFunc(sc.Text(), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			v, err := strconv.ParseInt(t, 10, 64)
			if err != nil {
				return nil, &ccc.Error{Op: "parse ids", Path: path, Line: ln, Row: -1, Field: flag, Value: t, Msg: "not an integer root id",
					Hint: "one id per line (or comma-separated), or a CSV with a pt_root_id column", Kind: ccc.ErrInvalidData}
			}
			out = append(out, v)
		}
	}
	return out, sc.Err()
}

func parseIDCSV(flag, path string, r io.Reader) ([]int64, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	hdr, err := cr.Read()
	if err != nil {
		return nil, &ccc.Error{Op: "parse ids", Path: path, Row: -1, Field: flag, Msg: "cannot read CSV header", Kind: ccc.ErrFormat, Err: err}
	}
	col := -1
	for _, want := range []string{"pt_root_id", "root_id", "pre_pt_root_id", "id"} {
		for i, h := range hdr {
			if strings.EqualFold(strings.TrimSpace(h), want) {
				col = i
				break
			}
		}
		if col >= 0 {
			break
		}
	}
	if col < 0 {
		return nil, &ccc.Error{Op: "parse ids", Path: path, Line: 1, Row: -1, Field: flag, Value: strings.Join(hdr, ","), Msg: "no root id column in CSV header",
			Hint: "name the column pt_root_id (or root_id), or list bare ids one per line", Kind: ccc.ErrInvalidData}
	}
	var out []int64
	for ln := 2; ; ln++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ccc.Error{Op: "parse ids", Path: path, Line: ln, Row: -1, Msg: "malformed CSV", Kind: ccc.ErrFormat, Err: err}
		}
		if col >= len(rec) || strings.TrimSpace(rec[col]) == "" {
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(rec[col]), 10, 64)
		if err != nil {
			return nil, &ccc.Error{Op: "parse ids", Path: path, Line: ln, Row: ln - 2, Field: hdr[col], Value: rec[col], Msg: "not an integer root id", Hint: rootIDHint, Kind: ccc.ErrInvalidData}
		}
		out = append(out, v)
	}
	return out, nil
}
