// zlib helpers shared by the cgo files that inflate chunks themselves
// (chunks.go, rawlayout.go).
#ifndef CCC_HDF5_ZHELPERS_H
#define CCC_HDF5_ZHELPERS_H
#include <zlib.h>
#include "helpers.h"

// ccc_inflate_prefix inflates the zlib stream src into dst until dst is
// full or the stream ends; it returns the bytes written or a negative zlib
// error.
static inline long ccc_inflate_prefix(const unsigned char *src, size_t srclen, unsigned char *dst, size_t dstlen) {
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) return Z_MEM_ERROR;
	z.next_in = (unsigned char *)src;
	z.avail_in = (uInt)srclen;
	z.next_out = dst;
	z.avail_out = (uInt)dstlen;
	int rc = Z_OK;
	while (z.avail_out > 0 && rc == Z_OK) rc = inflate(&z, Z_NO_FLUSH);
	long n = (long)(dstlen - z.avail_out);
	inflateEnd(&z);
	if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && z.avail_out == 0)) return rc < 0 ? rc : Z_DATA_ERROR;
	return n;
}
#endif
