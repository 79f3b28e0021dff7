package anndata

import (
	"fmt"
	"sort"
	"strings"
)

// Encoding is an element's encoding-type as this package reads it.
type Encoding string

// Encodings read by this package (encoding-type attribute values).
const (
	EncAnnData        Encoding = "anndata"
	EncArray          Encoding = "array"
	EncCSR            Encoding = "csr_matrix"
	EncCSC            Encoding = "csc_matrix"
	EncDataFrame      Encoding = "dataframe"
	EncCategorical    Encoding = "categorical"
	EncStringArray    Encoding = "string-array"
	EncNullableInt    Encoding = "nullable-integer"
	EncNullableBool   Encoding = "nullable-boolean"
	EncNullableString Encoding = "nullable-string-array"
	EncDict           Encoding = "dict"
	EncRaw            Encoding = "raw"
	EncNumericScalar  Encoding = "numeric-scalar"
	EncString         Encoding = "string"
)

// versions lists the encoding-version values read for each encoding, and
// whether the element is a group (true) or a dataset (false).
var versions = map[Encoding]struct {
	versions []string
	group    bool
}{
	EncAnnData:        {[]string{"0.1.0"}, true},
	EncArray:          {[]string{"0.2.0"}, false},
	EncCSR:            {[]string{"0.1.0"}, true},
	EncCSC:            {[]string{"0.1.0"}, true},
	EncDataFrame:      {[]string{"0.2.0"}, true},
	EncCategorical:    {[]string{"0.2.0"}, true},
	EncStringArray:    {[]string{"0.2.0"}, false},
	EncNullableInt:    {[]string{"0.1.0"}, true},
	EncNullableBool:   {[]string{"0.1.0"}, true},
	EncNullableString: {[]string{"0.1.0"}, true},
	EncDict:           {[]string{"0.1.0"}, true},
	EncRaw:            {[]string{"0.1.0"}, true},
	EncNumericScalar:  {[]string{"0.2.0"}, false},
	EncString:         {[]string{"0.2.0"}, false},
}

// known but not read: named in the error so the user knows why.
var notRead = map[string]string{
	"awkward-array": "awkward arrays (ragged per-cell lists) are not read by ccc",
	"rec-array":     "record arrays are not read by ccc",
	"string-matrix": "2-D string arrays are not read by ccc",
}

// ParseEncoding checks an element's encoding-type and encoding-version
// attributes (as read from the file; "" when absent) against what this
// package reads. isGroup tells whether the element is an HDF5 group. The
// error names the element and says why it is refused; wrap it with
// elemErr for the file name.
func ParseEncoding(etype, eversion string, isGroup bool) (Encoding, error) {
	if etype == "" {
		if !isGroup {
			// h5py datasets written by anndata < 0.8 (or by hand) carry no
			// attributes; a plain array is unambiguous.
			return EncArray, nil
		}
		return "", fmt.Errorf("group has no encoding-type attribute (written by anndata older than 0.8, or not by anndata)")
	}
	if why, ok := notRead[etype]; ok {
		return "", fmt.Errorf("encoding-type %q: %s", etype, why)
	}
	v, ok := versions[Encoding(etype)]
	if !ok {
		return "", fmt.Errorf("unknown encoding-type %q (read: %s)", etype, strings.Join(knownEncodings(), ", "))
	}
	if v.group != isGroup {
		kind := "dataset"
		if isGroup {
			kind = "group"
		}
		return "", fmt.Errorf("encoding-type %q stored as an HDF5 %s", etype, kind)
	}
	for _, s := range v.versions {
		if s == eversion {
			return Encoding(etype), nil
		}
	}
	if eversion == "" && !isGroup {
		return Encoding(etype), nil
	}
	return "", fmt.Errorf("encoding-type %q with encoding-version %q (read: %s)", etype, eversion, strings.Join(v.versions, ", "))
}

func knownEncodings() []string {
	out := make([]string, 0, len(versions))
	for k := range versions {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}
