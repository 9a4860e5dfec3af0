//go:build !purego

#include "textflag.h"

// func softmaxLanesAVX512(st *laneState, coef, buf *float64, m, steps int, eps float64, k *[lcLen]float64) bool
//
// Eight cells, one per lane of a ZMM register; see softmaxLanes in
// lanes_amd64.go for what each lane computes. Every instruction below is
// one rounded IEEE operation of the scalar code in the same order (no
// fused multiply-add anywhere); VMAXPD(z, m) returns z > m ? z : m, which
// is maxOf's `if v > m { m = v }`.
//
// laneState: qx at 0, qy at 64, m0 at 128, s0 at 192, support at 256.
// coef: 40 bytes per memory (ax, ay, c, px, py). buf: 64 bytes per memory.
// k: the table at 0 (32 entries), then 32/ln2, 0.5, ln2/32 hi, lo, −708,
// 1/720, 1/120, 1/24, 1/6, 1/2, 1 at byte 256 on.
//
// Registers: Z0, Z1 the state (x, y); Z2 max z; Z3 the sum s; Z4–Z11
// scratch; Z12 eps; Z13 the support count; Z14 int64 ones; Z16–Z19 the
// table; Z20–Z30 the constants; Z31 int64 1023. Z15, whose low half is
// Go's zero register X15, is not touched. K1 gathers x ≥ −708 over an
// update.
TEXT ·softmaxLanesAVX512(SB), NOSPLIT, $0-57
	MOVQ st+0(FP), R8
	MOVQ coef+8(FP), R9
	MOVQ buf+16(FP), R10
	MOVQ m+24(FP), R11
	MOVQ steps+32(FP), R12
	MOVQ k+48(FP), R13

	VMOVUPD      0(R8), Z0
	VMOVUPD      64(R8), Z1
	VBROADCASTSD eps+40(FP), Z12
	VMOVUPD      0(R13), Z16
	VMOVUPD      64(R13), Z17
	VMOVUPD      128(R13), Z18
	VMOVUPD      192(R13), Z19
	VBROADCASTSD 256(R13), Z20 // 32/ln2
	VBROADCASTSD 264(R13), Z21 // 0.5
	VBROADCASTSD 272(R13), Z22 // ln2/32 hi
	VBROADCASTSD 280(R13), Z23 // ln2/32 lo
	VBROADCASTSD 288(R13), Z24 // −708
	VBROADCASTSD 296(R13), Z25 // 1/720
	VBROADCASTSD 304(R13), Z26 // 1/120
	VBROADCASTSD 312(R13), Z27 // 1/24
	VBROADCASTSD 320(R13), Z28 // 1/6
	VBROADCASTSD 328(R13), Z29 // 1/2
	VBROADCASTSD 336(R13), Z30 // 1
	MOVQ         $1023, AX
	VPBROADCASTQ AX, Z31
	MOVQ         $1, AX
	VPBROADCASTQ AX, Z14
	XORQ         BX, BX        // updates done

update:
	// Scores z_μ = (ax_μ·x + ay_μ·y) + c_μ into buf, and their max.
	MOVQ        R9, SI
	MOVQ        R10, DI
	MOVQ        R11, CX
	VMULPD.BCST 0(SI), Z0, Z4
	VMULPD.BCST 8(SI), Z1, Z5
	VADDPD      Z5, Z4, Z4
	VADDPD.BCST 16(SI), Z4, Z4
	VMOVUPD     Z4, 0(DI)
	VMOVAPD     Z4, Z2
	JMP         scoresNext

scores:
	VMULPD.BCST 0(SI), Z0, Z4
	VMULPD.BCST 8(SI), Z1, Z5
	VADDPD      Z5, Z4, Z4
	VADDPD.BCST 16(SI), Z4, Z4
	VMOVUPD     Z4, 0(DI)
	VMAXPD      Z2, Z4, Z2     // m = z > m ? z : m

scoresNext:
	ADDQ $40, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  scores

	// Exponentials e_μ = e^(z_μ − m) over buf, and their sum.
	MOVQ         R10, DI
	MOVQ         R11, CX
	VXORPD       Z3, Z3, Z3     // s = +0
	KXNORW       K1, K1, K1
	MOVQ         $16, AX
	VPBROADCASTQ AX, Z11        // bit 4 of k

exp:
	VMOVUPD    0(DI), Z4
	VSUBPD     Z2, Z4, Z4          // x = z − m
	VCMPPD     $0x1d, Z24, Z4, K2  // x ≥ −708, false for NaN
	KANDW      K2, K1, K1
	VMULPD     Z20, Z4, Z5
	VSUBPD     Z21, Z5, Z5
	VCVTTPD2QQ Z5, Z5              // k = int64(x·32/ln2 − 0.5)
	VCVTQQ2PD  Z5, Z6              // float64(k)
	VMULPD     Z22, Z6, Z7
	VSUBPD     Z7, Z4, Z7          // x − k·hi
	VMULPD     Z23, Z6, Z8
	VSUBPD     Z8, Z7, Z7          // r = (x − k·hi) − k·lo
	VMOVDQA64  Z5, Z8
	VPERMI2PD  Z17, Z16, Z8        // table[k & 15]
	VMOVDQA64  Z5, Z9
	VPERMI2PD  Z19, Z18, Z9        // table[16 + k & 15]
	VPTESTMQ   Z11, Z5, K3
	VMOVAPD    Z9, K3, Z8          // t = table[k & 31]
	VMULPD     Z25, Z7, Z9         // r·(1/720)
	VADDPD     Z26, Z9, Z9
	VMULPD     Z9, Z7, Z9
	VADDPD     Z27, Z9, Z9
	VMULPD     Z9, Z7, Z9
	VADDPD     Z28, Z9, Z9
	VMULPD     Z9, Z7, Z9
	VADDPD     Z29, Z9, Z9
	VMULPD     Z9, Z7, Z9
	VADDPD     Z30, Z9, Z9
	VMULPD     Z9, Z7, Z9          // e^r − 1
	VPSRAQ     $5, Z5, Z10
	VPADDQ     Z31, Z10, Z10
	VPSLLQ     $52, Z10, Z10       // 2^(k>>5)
	VMULPD     Z9, Z8, Z9
	VADDPD     Z9, Z8, Z9          // t + t·(e^r − 1)
	VMULPD     Z10, Z9, Z9         // e
	VMOVUPD    Z9, 0(DI)
	VADDPD     Z9, Z3, Z3          // s += e
	ADDQ       $64, DI
	DECQ       CX
	JNZ        exp

	KMOVW K1, AX
	CMPQ  AX, $0xff
	JNE   decline

	// p_μ = e_μ·(1/s); the next state Σ_μ p_μ P_μ; the support.
	VDIVPD Z3, Z30, Z11 // 1/s
	TESTQ  BX, BX
	JNZ    sum
	VMOVUPD Z2, 128(R8) // m0
	VMOVUPD Z3, 192(R8) // s0

sum:
	MOVQ    R9, SI
	MOVQ    R10, DI
	MOVQ    R11, CX
	VXORPD  Z4, Z4, Z4 // x' = +0
	VXORPD  Z5, Z5, Z5 // y' = +0
	VPXORQ  Z13, Z13, Z13

sumLoop:
	VMULPD      0(DI), Z11, Z6     // p
	VMULPD.BCST 24(SI), Z6, Z7
	VADDPD      Z7, Z4, Z4         // x' += p·px
	VMULPD.BCST 32(SI), Z6, Z8
	VADDPD      Z8, Z5, Z5         // y' += p·py
	VCMPPD      $0x1e, Z12, Z6, K2 // p > eps, false for NaN
	VPADDQ      Z14, Z13, K2, Z13
	ADDQ        $40, SI
	ADDQ        $64, DI
	DECQ        CX
	JNZ         sumLoop

	VMOVAPD Z4, Z0
	VMOVAPD Z5, Z1
	INCQ    BX
	CMPQ    BX, R12
	JLT     update

	VMOVUPD   Z0, 0(R8)
	VMOVUPD   Z1, 64(R8)
	VMOVDQU64 Z13, 256(R8)
	VPXORQ    Z16, Z16, Z16
	VPXORQ    Z17, Z17, Z17
	VPXORQ    Z18, Z18, Z18
	VPXORQ    Z19, Z19, Z19
	VPXORQ    Z20, Z20, Z20
	VPXORQ    Z21, Z21, Z21
	VPXORQ    Z22, Z22, Z22
	VPXORQ    Z23, Z23, Z23
	VPXORQ    Z24, Z24, Z24
	VPXORQ    Z25, Z25, Z25
	VPXORQ    Z26, Z26, Z26
	VPXORQ    Z27, Z27, Z27
	VPXORQ    Z28, Z28, Z28
	VPXORQ    Z29, Z29, Z29
	VPXORQ    Z30, Z30, Z30
	VPXORQ    Z31, Z31, Z31
	VZEROUPPER
	MOVB      $1, ret+56(FP)
	RET

decline:
	VPXORQ    Z16, Z16, Z16
	VPXORQ    Z17, Z17, Z17
	VPXORQ    Z18, Z18, Z18
	VPXORQ    Z19, Z19, Z19
	VPXORQ    Z20, Z20, Z20
	VPXORQ    Z21, Z21, Z21
	VPXORQ    Z22, Z22, Z22
	VPXORQ    Z23, Z23, Z23
	VPXORQ    Z24, Z24, Z24
	VPXORQ    Z25, Z25, Z25
	VPXORQ    Z26, Z26, Z26
	VPXORQ    Z27, Z27, Z27
	VPXORQ    Z28, Z28, Z28
	VPXORQ    Z29, Z29, Z29
	VPXORQ    Z30, Z30, Z30
	VPXORQ    Z31, Z31, Z31
	VZEROUPPER
	MOVB $0, ret+56(FP)
	RET
