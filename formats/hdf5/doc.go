// Package hdf5 reads (and, for fixtures, writes) HDF5 files through the HDF
// Group's libhdf5 C library (cgo, Debian libhdf5-dev).
//
// The surface is small and lazy: Open reads the superblock only; groups,
// datasets and attributes are addressed by absolute path and their metadata
// (shape, dtype, chunking, filters) is read when asked for; array values are
// read whole or by hyperslab (Dataset.Slice) into typed Go slices held by an
// Array:
//
//	integers         []int8 ... []int64, []uint8 ... []uint64
//	floats           []float32, []float64 (float16 is widened to float32)
//	h5py booleans    []bool (enum FALSE=0/TRUE=1)
//	other enums      []int64 (names in DType.EnumNames)
//	strings          []string (fixed-length and variable-length, ASCII and UTF-8)
//	references       []Ref (object references resolved to the target's path,
//	                 region references with their selection)
//	compound         no Data; one Array per field in Fields (columnar)
//
// Every libhdf5 identifier is closed before the call that opened it returns,
// except a small LRU of open datasets (8 per File, closed by File.Close)
// kept so that consecutive slices reuse their chunk index and cache.
//
// Chunked little-endian numeric datasets filtered only by shuffle and/or
// gzip (what h5py and pynwb write) are sliced through direct chunk reads:
// the raw chunks the hyperslab touches are read with H5Dread_chunk under
// the library lock, then inflated (zlib) and unshuffled in parallel outside
// it, and kept in a 32 MiB decoded-chunk cache per File (pynwb opens files
// with a 32 MiB chunk cache). Every deflated chunk is inflated whole, so that
// zlib checks its Adler-32 and a damaged chunk is an error, never wrong
// values. Other layouts use H5Dread.
//
// Two hot paths read bytes straight from a read-only memory map of the
// file, outside the library lock, libhdf5 telling only where they are:
// RawBlocks/BlockBytes (the blocks of a 1-D numeric dataset, for
// formats/anndata's CSR scan) and ReadVarStrings (a contiguous 1-D
// variable-length string dataset: its elements and the global heap
// collections they point to, parsed with every address and length checked
// against the file, into one StringList; libhdf5 reads any other layout).
//
// libhdf5 is thread-safe only when built so (Debian's 1.10 serial package
// is, behind one global lock; other builds are not), so every call into the
// library is serialized by one package mutex: File values may be used from
// several goroutines, but HDF5 work does not run in parallel.
//
// libhdf5's automatic printing of its error stack is switched off (per OS
// thread, each time the mutex is taken, since thread-safe builds keep that
// setting per thread); failures
// come back as errors wrapping ccc.ErrFormat or ccc.ErrNotFound that name the
// file and the path inside it.
package hdf5
