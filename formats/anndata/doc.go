// Package anndata reads AnnData .h5ad files (anndata 0.8+ on-disk format,
// HDF5 flavour) lazily through formats/hdf5.
//
// Open reads the root attributes and the shapes only; elements are read
// when asked for:
//
//	X, layers/<name>, raw/X  dense arrays (encoding-type "array") or
//	                         sparse groups ("csr_matrix", "csc_matrix":
//	                         data, indices, indptr and a shape attribute)
//	obs, var, raw/var        dataframes ("dataframe": _index, column-order)
//	                         whose columns are numeric or boolean arrays,
//	                         "string-array", "categorical" (codes,
//	                         categories, ordered), "nullable-integer",
//	                         "nullable-boolean" and "nullable-string-array"
//	                         (values and mask)
//	obsm/<name>              dense 2-D arrays
//
// A Matrix is never loaded whole unless asked (Matrix.Dense): Matrix.Columns
// reads selected columns only, streaming indptr/indices/data of a CSR matrix
// in blocks and keeping the selected columns' entries, reading only the
// selected columns' slices of a CSC matrix, and reading a dense matrix one
// band of chunk rows at a time, one hyperslab per selected column.
//
// Every element's encoding-type and encoding-version are checked before it
// is read; an encoding this package does not read (awkward-array, a future
// version, a name it does not know) is an error naming the file and the
// element, never a guessed value. Errors wrap ccc.ErrFormat (exit 2); see
// errors.go.
package anndata
