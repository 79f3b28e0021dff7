// Package zarr reads and writes Zarr arrays (format versions 2 and 3) on a
// local directory store: regular chunk grids in C order, numeric data types
// float32/float64, int8..int64 and uint8..uint64, compression none, gzip or
// zstd, fill values and user attributes. It is the array container of the ccc
// store: projection volumes and projection matrices are written here and read
// back by zarr-python (see docs/formats/zarr.md).
//
// Sharding, filters, F order, transposes and other codecs are rejected with a
// ccc.ErrFormat error rather than misread.
package zarr
