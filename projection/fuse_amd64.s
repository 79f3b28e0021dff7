#include "textflag.h"

// func scaleAddSSE(acc, v *float32, n int, s float32)
// acc[j] += v[j]*s for j < n (n > 0): MULPS then ADDPS, 8 floats a loop.
TEXT ·scaleAddSSE(SB), NOSPLIT, $0-28
	MOVQ  acc+0(FP), DI
	MOVQ  v+8(FP), SI
	MOVQ  n+16(FP), CX
	MOVSS s+24(FP), X0
	SHUFPS $0, X0, X0

loop8:
	CMPQ   CX, $8
	JLT    tail
	MOVUPS (SI), X1
	MOVUPS 16(SI), X2
	MULPS  X0, X1
	MULPS  X0, X2
	MOVUPS (DI), X3
	MOVUPS 16(DI), X4
	ADDPS  X1, X3
	ADDPS  X2, X4
	MOVUPS X3, (DI)
	MOVUPS X4, 16(DI)
	ADDQ   $32, SI
	ADDQ   $32, DI
	SUBQ   $8, CX
	JMP    loop8

tail:
	TESTQ CX, CX
	JEQ   done
	MOVSS (SI), X1
	MULSS X0, X1
	MOVSS (DI), X3
	ADDSS X1, X3
	MOVSS X3, (DI)
	ADDQ  $4, SI
	ADDQ  $4, DI
	DECQ  CX
	JMP   tail

done:
	RET

// func diffScaleAddSSE(acc, a, b *float32, n int, s float32)
// acc[j] += (a[j]-b[j])*s for j < n (n > 0): SUBPS, MULPS, ADDPS, 8 floats a loop.
TEXT ·diffScaleAddSSE(SB), NOSPLIT, $0-36
	MOVQ  acc+0(FP), DI
	MOVQ  a+8(FP), SI
	MOVQ  b+16(FP), DX
	MOVQ  n+24(FP), CX
	MOVSS s+32(FP), X0
	SHUFPS $0, X0, X0

loop8:
	CMPQ   CX, $8
	JLT    tail
	MOVUPS (SI), X1
	MOVUPS 16(SI), X2
	MOVUPS (DX), X3
	MOVUPS 16(DX), X4
	SUBPS  X3, X1
	SUBPS  X4, X2
	MULPS  X0, X1
	MULPS  X0, X2
	MOVUPS (DI), X3
	MOVUPS 16(DI), X4
	ADDPS  X1, X3
	ADDPS  X2, X4
	MOVUPS X3, (DI)
	MOVUPS X4, 16(DI)
	ADDQ   $32, SI
	ADDQ   $32, DX
	ADDQ   $32, DI
	SUBQ   $8, CX
	JMP    loop8

tail:
	TESTQ CX, CX
	JEQ   done
	MOVSS (SI), X1
	MOVSS (DX), X2
	SUBSS X2, X1
	MULSS X0, X1
	MOVSS (DI), X3
	ADDSS X1, X3
	MOVSS X3, (DI)
	ADDQ  $4, SI
	ADDQ  $4, DX
	ADDQ  $4, DI
	DECQ  CX
	JMP   tail

done:
	RET

// func scaleF64SSE(v *float32, n int, inv float64)
// v[j] = float32(float64(v[j])*inv) for j < n (n > 0): CVTPS2PD, MULPD,
// CVTPD2PS (round to nearest, as Go's conversion), 4 floats a loop.
TEXT ·scaleF64SSE(SB), NOSPLIT, $0-24
	MOVQ  v+0(FP), DI
	MOVQ  n+8(FP), CX
	MOVSD inv+16(FP), X0
	SHUFPD $0, X0, X0

loop4:
	CMPQ     CX, $4
	JLT      tail
	CVTPS2PD (DI), X1
	CVTPS2PD 8(DI), X2
	MULPD    X0, X1
	MULPD    X0, X2
	CVTPD2PS X1, X1
	CVTPD2PS X2, X2
	MOVLHPS  X2, X1
	MOVUPS   X1, (DI)
	ADDQ     $16, DI
	SUBQ     $4, CX
	JMP      loop4

tail:
	TESTQ    CX, CX
	JEQ      done
	CVTSS2SD (DI), X1
	MULSD    X0, X1
	CVTSD2SS X1, X1
	MOVSS    X1, (DI)
	ADDQ     $4, DI
	DECQ     CX
	JMP      tail

done:
	RET
