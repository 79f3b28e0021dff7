//go:build !purego

#include "textflag.h"

// locateDist is the prefetch distance of locatePF in points (even): the
// label of point p is read locateDist points after its prefetch.
#define locateDist 32

// AXIS loads the coordinates of points AX and AX+1 on one axis from ptr,
// multiplies them by inv, ANDs the mask X1 with 0 <= f < dim (false for
// NaN) and leaves the truncated f in f.
#define AXIS(ptr, inv, dim, f) \
	MOVUPD    (ptr)(AX*8), f \
	MULPD     inv, f \
	MOVAPD    X14, X5 \
	CMPPD     f, X5, $2 \
	ANDPD     X5, X1 \
	MOVAPD    f, X5 \
	CMPPD     dim, X5, $1 \
	ANDPD     X5, X1 \
	CVTTPD2PL f, X3 \
	CVTPL2PD  X3, f

// INDEX2 prefetches the coordinates 128 points ahead (the hardware
// prefetchers alone left the coordinate streams 1.5 ns a point slower;
// past the end of the slices too: a prefetch never faults),
// computes the flat indices of points AX and AX+1 (SSE2, two points a
// vector), stores them to idx[AX], idx[AX+1], and prefetches their labels.
// As locateIndex: f = c*inv; inside when 0 <= f < dim on every axis (false
// for NaN); flat = i + dim0*(j + dim1*k) with i, j, k the truncated f,
// computed in float64 (exact: integers below 2^53). Outside points get
// flat = NaN (all ones OR-ed in), which CVTTPD2PL turns into 0x80000000:
// bit 31 set, voxel 0.
#define INDEX2 \
	PREFETCHT0 1024(SI)(AX*8) \
	PREFETCHT0 1024(R11)(AX*8) \
	PREFETCHT0 1024(R12)(AX*8) \
	MOVAPD    X15, X1 \
	AXIS(SI, X8, X11, X0) \
	AXIS(R11, X9, X12, X4) \
	AXIS(R12, X10, X13, X6) \
	MULPD     X12, X6 \
	ADDPD     X4, X6 \
	MULPD     X11, X6 \
	ADDPD     X0, X6 \
	ANDNPD    X15, X1 \
	ORPD      X1, X6 \
	CVTTPD2PL X6, X7 \
	MOVQ      X7, R8 \
	MOVQ      R8, (DI)(AX*4) \
	MOVL      R8, R9 \
	ANDL      $0x7fffffff, R9 \
	PREFETCHT0 (BX)(R9*4) \
	SHRQ      $32, R8 \
	ANDL      $0x7fffffff, R8 \
	PREFETCHT0 (BX)(R8*4)

// GATHER1 reads the label of point AX-locateDist+off (prefetched
// locateDist points ago) and writes labels and status: label 0 when
// outside; status 2*(label == 0) - outside (ok 0, outside 1, unlabelled
// 2).
#define GATHER1(off) \
	MOVL  (off-4*locateDist)(DI)(AX*4), R8 \
	MOVL  R8, R10 \
	SHRL  $31, R10 \
	ANDL  $0x7fffffff, R8 \
	MOVL  (BX)(R8*4), R9 \
	LEAL  -1(R10), R8 \
	ANDL  R8, R9 \
	MOVL  R9, (off-4*locateDist)(DX)(AX*4) \
	XORL  R8, R8 \
	TESTL R9, R9 \
	SETEQ R8 \
	ADDL  R8, R8 \
	SUBL  R10, R8 \
	MOVB  R8, (off/4-locateDist)(R13)(AX*1)

// func locatePF(x, y, z *float64, n int, prm *locateParams, idx *uint32, lab *uint32, labels *uint32, status *uint8)
//
// locateBlocks' three passes in one loop for volumes of at most 2^31
// voxels (n even, idx scratch of n entries): the index of point p and a
// PREFETCHT0 of its label, then the label and status of point
// p-locateDist, whose label is in cache by then. The label reads miss
// while the arithmetic of the next points runs.
//
// locateParams: inv [3]float64 at 0, dim [3]float64 at 24.
TEXT ·locatePF(SB), NOSPLIT, $0-72
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), R11
	MOVQ z+16(FP), R12
	MOVQ n+24(FP), CX
	MOVQ prm+32(FP), R13
	MOVQ idx+40(FP), DI
	MOVQ lab+48(FP), BX
	MOVQ labels+56(FP), DX
	MOVSD  0(R13), X8
	MOVSD  8(R13), X9
	MOVSD  16(R13), X10
	MOVSD  24(R13), X11
	MOVSD  32(R13), X12
	MOVSD  40(R13), X13
	MOVQ status+64(FP), R13
	UNPCKLPD X8, X8
	UNPCKLPD X9, X9
	UNPCKLPD X10, X10
	UNPCKLPD X11, X11
	UNPCKLPD X12, X12
	UNPCKLPD X13, X13
	XORPD  X14, X14
	PCMPEQL X15, X15 // all ones (X15 is scratch in ABI0 code)
	XORQ   AX, AX

head:
	CMPQ AX, CX
	JGE  tail0
	CMPQ AX, $locateDist
	JGE  body
	INDEX2
	ADDQ $2, AX
	JMP  head

body:
	CMPQ AX, CX
	JGE  tail0
	INDEX2
	GATHER1(0)
	GATHER1(4)
	ADDQ $2, AX
	JMP  body

tail0:
	// gather the last min(n, locateDist) points: AX from max(n, locateDist)
	// to n+locateDist
	MOVQ CX, AX
	CMPQ AX, $locateDist
	JGE  tail1
	MOVQ $locateDist, AX

tail1:
	ADDQ $locateDist, CX

tail:
	CMPQ AX, CX
	JGE  done
	GATHER1(0)
	GATHER1(4)
	ADDQ $2, AX
	JMP  tail

done:
	RET
