//go:build !purego

#include "textflag.h"

// STREAM2 reads the coordinates of points AX and AX+1 (prefetched 1 KB
// ahead) and prefetches their labels through the precomputed indices.
#define STREAM2 \
	PREFETCHT0 1024(SI)(AX*8) \
	PREFETCHT0 1024(R11)(AX*8) \
	PREFETCHT0 1024(R12)(AX*8) \
	MOVUPD (SI)(AX*8), X0 \
	MOVUPD (R11)(AX*8), X4 \
	MOVUPD (R12)(AX*8), X6 \
	XORPD  X4, X0 \
	XORPD  X6, X0 \
	XORPD  X0, X7 \
	MOVQ   (DI)(AX*4), R8 \
	MOVL   R8, R9 \
	PREFETCHT0 (BX)(R9*4) \
	SHRQ   $32, R8 \
	PREFETCHT0 (BX)(R8*4)

// func streamGatherPF(x, y, z *float64, idx *uint32, n int, lab *uint32, labels *uint32, status *uint8)
//
// The memory traffic of atlas.Volume.LocateBatch without its arithmetic
// (n even, n >= 32): read the coordinates of point p (prefetched 1 KB
// ahead, as the lookup does) and its precomputed flat index, prefetch its
// label, and write the label and a status byte of point p-32, as
// atlas/locate_amd64.s does. The coordinates are only XORed together (the
// reads must happen); the status byte is the label's low byte.
TEXT ·streamGatherPF(SB), NOSPLIT, $0-64
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), R11
	MOVQ z+16(FP), R12
	MOVQ idx+24(FP), DI
	MOVQ n+32(FP), CX
	MOVQ lab+40(FP), BX
	MOVQ labels+48(FP), DX
	MOVQ status+56(FP), R13
	XORPD X7, X7
	XORQ  AX, AX

head:
	CMPQ AX, $32
	JGE  body
	STREAM2
	ADDQ   $2, AX
	JMP    head

body:
	CMPQ AX, CX
	JGE  tail0
	STREAM2
	MOVL   -128(DI)(AX*4), R8
	MOVL   (BX)(R8*4), R9
	MOVL   R9, -128(DX)(AX*4)
	MOVB   R9, -32(R13)(AX*1)
	MOVL   -124(DI)(AX*4), R8
	MOVL   (BX)(R8*4), R9
	MOVL   R9, -124(DX)(AX*4)
	MOVB   R9, -31(R13)(AX*1)
	ADDQ   $2, AX
	JMP    body

tail0:
	ADDQ $32, CX

tail:
	CMPQ AX, CX
	JGE  done
	MOVL -128(DI)(AX*4), R8
	MOVL (BX)(R8*4), R9
	MOVL R9, -128(DX)(AX*4)
	MOVB R9, -32(R13)(AX*1)
	INCQ AX
	JMP  tail

done:
	RET
