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

// func sparseLanesAVX512(st *laneState, coef, buf *float64, m, steps int, fixed uint64, kind int, k *[lcLen]float64) bool
//
// Eight cells, one per lane; see sparseLanes in lanes_amd64.go. kind is 0
// for sparsemax, 1 for 1.5-entmax. As above, every instruction is one
// rounded operation of the scalar code, in its order; VMINPD and VMAXPD
// only meet finite numbers and −Inf here. Sums that the scalar code makes
// under a condition are masked adds, which leave the other lanes' sums
// untouched.
//
// buf holds three blocks of 64·m bytes: A the scores (R10), B the sorted
// candidates, C 1.5-entmax's τ_k. laneState.psi0 is at 320. k: 0.5 at
// 264, 1 at 336, −1 at 344, −Inf at 352, 0.75 at 360.
//
// Registers: Z0, Z1 the state; Z2 max z; Z3 Σ z; Z4–Z11 scratch; Z12 the
// candidates per lane, later the non-zero p_μ per lane (int64); Z13 the
// support; Z14 int64 ones; Z16 1; Z17 0.5; Z18 −1; Z19 −Inf; Z20 0.75;
// Z21 +0; Z22 τ; Z23 cum; Z24 k+1; Z25 k*; Z26 cum at k*; Z27 Σ y²;
// Z28 ⟨p, y⟩; Z29 ½‖p‖² or Σ p^1.5; Z30, Z31 the next state. K6: lanes
// where p_μ = 1 for a fixed μ; K7: the settled lanes. R12 counts the
// updates left, BX is 1 during the first.
TEXT ·sparseLanesAVX512(SB), NOSPLIT, $0-65
	MOVQ st+0(FP), R8
	MOVQ coef+8(FP), R9
	MOVQ buf+16(FP), R10
	MOVQ m+24(FP), R11
	MOVQ steps+32(FP), R12
	MOVQ fixed+40(FP), R13
	MOVQ kind+48(FP), DX
	MOVQ k+56(FP), AX

	VBROADCASTSD 336(AX), Z16 // 1
	VBROADCASTSD 264(AX), Z17 // 0.5
	VBROADCASTSD 344(AX), Z18 // −1
	VBROADCASTSD 352(AX), Z19 // −Inf
	VBROADCASTSD 360(AX), Z20 // 0.75
	VPXORQ       Z21, Z21, Z21
	MOVQ         $1, AX
	VPBROADCASTQ AX, Z14
	VMOVUPD      0(R8), Z0
	VMOVUPD      64(R8), Z1
	MOVQ         $1, BX
	KXORW        K7, K7, K7

supdate:
	// Scores into A; m = max z as maxOf; Z3 = Σ z from z_0, as maxFinite.
	MOVQ        R9, SI
	MOVQ        R10, DI
	MOVQ        R11, CX
	VMULPD.BCST 0(SI), Z0, Z4
	VMULPD.BCST 8(SI), Z1, Z5
	VADDPD      Z5, Z4, Z4
	VADDPD.BCST 16(SI), Z4, Z4
	VMOVUPD     Z4, 0(DI)
	VMOVAPD     Z4, Z2
	VMOVAPD     Z4, Z3
	JMP         sscoresNext

sscores:
	VMULPD.BCST 0(SI), Z0, Z4
	VMULPD.BCST 8(SI), Z1, Z5
	VADDPD      Z5, Z4, Z4
	VADDPD.BCST 16(SI), Z4, Z4
	VMOVUPD     Z4, 0(DI)
	VMAXPD      Z2, Z4, Z2
	VADDPD      Z4, Z3, Z3

sscoresNext:
	ADDQ $40, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  sscores

	// Decline unless Σ z − Σ z = 0 in every lane (all scores finite).
	VSUBPD Z3, Z3, Z4
	VCMPPD $0x00, Z21, Z4, K1
	KMOVW  K1, AX
	CMPQ   AX, $0xff
	JNE    sdecline

	// Candidates y > −1 into B (−Inf elsewhere), y = z − m or (z − m)/2;
	// Z12 counts them.
	MOVQ   R10, SI
	MOVQ   R11, DI
	SHLQ   $6, DI
	ADDQ   R10, DI
	MOVQ   R11, CX
	VPXORQ Z12, Z12, Z12

scand:
	VMOVUPD 0(SI), Z4
	VSUBPD  Z2, Z4, Z4
	TESTQ   DX, DX
	JZ      scandY
	VMULPD  Z17, Z4, Z4        // 0.5·(z − m)

scandY:
	VCMPPD  $0x1e, Z18, Z4, K1 // y > −1
	VMOVAPD Z19, Z5
	VMOVAPD Z4, K1, Z5
	VMOVUPD Z5, 0(DI)
	VPADDQ  Z14, Z12, K1, Z12
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     scand

	// For m ≤ 8 the candidates are sorted by a sorting network in
	// registers (Knuth's 19 compare-exchanges, depth 6), the places
	// beyond m holding −Inf; for larger m by bubble passes.
	CMPQ R11, $8
	JGT  sbubble
	CMPQ R11, $1
	JEQ  ssorted
	MOVQ R11, SI
	SHLQ $6, SI
	ADDQ R10, SI // B
	VMOVAPD Z19, Z6
	VMOVAPD Z19, Z7
	VMOVAPD Z19, Z8
	VMOVAPD Z19, Z9
	VMOVAPD Z19, Z10
	VMOVAPD Z19, Z11
	VMOVUPD 0(SI), Z4
	VMOVUPD 64(SI), Z5
	CMPQ R11, $3
	JLT  snetLoaded
	VMOVUPD 128(SI), Z6
	CMPQ R11, $4
	JLT  snetLoaded
	VMOVUPD 192(SI), Z7
	CMPQ R11, $5
	JLT  snetLoaded
	VMOVUPD 256(SI), Z8
	CMPQ R11, $6
	JLT  snetLoaded
	VMOVUPD 320(SI), Z9
	CMPQ R11, $7
	JLT  snetLoaded
	VMOVUPD 384(SI), Z10
	CMPQ R11, $8
	JLT  snetLoaded
	VMOVUPD 448(SI), Z11

snetLoaded:
	VMINPD Z6, Z4, Z22 // (0, 2)
	VMAXPD Z6, Z4, Z4
	VMOVAPD Z22, Z6
	VMINPD Z7, Z5, Z22 // (1, 3)
	VMAXPD Z7, Z5, Z5
	VMOVAPD Z22, Z7
	VMINPD Z10, Z8, Z22 // (4, 6)
	VMAXPD Z10, Z8, Z8
	VMOVAPD Z22, Z10
	VMINPD Z11, Z9, Z22 // (5, 7)
	VMAXPD Z11, Z9, Z9
	VMOVAPD Z22, Z11
	VMINPD Z8, Z4, Z22 // (0, 4)
	VMAXPD Z8, Z4, Z4
	VMOVAPD Z22, Z8
	VMINPD Z9, Z5, Z22 // (1, 5)
	VMAXPD Z9, Z5, Z5
	VMOVAPD Z22, Z9
	VMINPD Z10, Z6, Z22 // (2, 6)
	VMAXPD Z10, Z6, Z6
	VMOVAPD Z22, Z10
	VMINPD Z11, Z7, Z22 // (3, 7)
	VMAXPD Z11, Z7, Z7
	VMOVAPD Z22, Z11
	VMINPD Z5, Z4, Z22 // (0, 1)
	VMAXPD Z5, Z4, Z4
	VMOVAPD Z22, Z5
	VMINPD Z7, Z6, Z22 // (2, 3)
	VMAXPD Z7, Z6, Z6
	VMOVAPD Z22, Z7
	VMINPD Z9, Z8, Z22 // (4, 5)
	VMAXPD Z9, Z8, Z8
	VMOVAPD Z22, Z9
	VMINPD Z11, Z10, Z22 // (6, 7)
	VMAXPD Z11, Z10, Z10
	VMOVAPD Z22, Z11
	VMINPD Z8, Z6, Z22 // (2, 4)
	VMAXPD Z8, Z6, Z6
	VMOVAPD Z22, Z8
	VMINPD Z9, Z7, Z22 // (3, 5)
	VMAXPD Z9, Z7, Z7
	VMOVAPD Z22, Z9
	VMINPD Z8, Z5, Z22 // (1, 4)
	VMAXPD Z8, Z5, Z5
	VMOVAPD Z22, Z8
	VMINPD Z10, Z7, Z22 // (3, 6)
	VMAXPD Z10, Z7, Z7
	VMOVAPD Z22, Z10
	VMINPD Z6, Z5, Z22 // (1, 2)
	VMAXPD Z6, Z5, Z5
	VMOVAPD Z22, Z6
	VMINPD Z8, Z7, Z22 // (3, 4)
	VMAXPD Z8, Z7, Z7
	VMOVAPD Z22, Z8
	VMINPD Z10, Z9, Z22 // (5, 6)
	VMAXPD Z10, Z9, Z9
	VMOVAPD Z22, Z10
	VMOVUPD Z4, 0(SI)
	VMOVUPD Z5, 64(SI)
	CMPQ R11, $3
	JLT  ssorted
	VMOVUPD Z6, 128(SI)
	CMPQ R11, $4
	JLT  ssorted
	VMOVUPD Z7, 192(SI)
	CMPQ R11, $5
	JLT  ssorted
	VMOVUPD Z8, 256(SI)
	CMPQ R11, $6
	JLT  ssorted
	VMOVUPD Z9, 320(SI)
	CMPQ R11, $7
	JLT  ssorted
	VMOVUPD Z10, 384(SI)
	CMPQ R11, $8
	JLT  ssorted
	VMOVUPD Z11, 448(SI)
	JMP  ssorted

sbubble:
	// Bubble passes: pass i carries the largest of B[i:] down to B[i], for
	// i = 0, 1, … while some lane has more than i candidates.
	XORQ AX, AX

spass:
	VPBROADCASTQ AX, Z4
	VPCMPQ       $6, Z4, Z12, K1 // nc > i
	KORTESTW     K1, K1
	JZ           ssorted
	MOVQ         R11, SI
	SHLQ         $6, SI
	ADDQ         R10, SI         // B
	MOVQ         AX, CX
	SHLQ         $6, CX
	ADDQ         SI, CX          // &B[i]
	MOVQ         R11, DI
	SHLQ         $6, DI
	LEAQ         -64(SI)(DI*1), DI // &B[m−1]
	CMPQ         DI, CX
	JLE          spassNext
	VMOVUPD      0(DI), Z5

sce:
	VMOVUPD -64(DI), Z4
	VMINPD  Z5, Z4, Z6
	VMAXPD  Z5, Z4, Z5
	VMOVUPD Z6, 0(DI)
	SUBQ    $64, DI
	CMPQ    DI, CX
	JGT     sce
	VMOVUPD Z5, 0(DI)

spassNext:
	INCQ AX
	CMPQ AX, R11
	JLT  spass

ssorted:
	// The threshold τ from the sorted candidates, k = 0, 1, … while some
	// lane has more than k of them.
	MOVQ   R11, SI
	SHLQ   $6, SI
	ADDQ   R10, SI             // B
	MOVQ   R11, DI
	SHLQ   $6, DI
	ADDQ   SI, DI              // C
	VXORPD Z23, Z23, Z23       // cum = +0
	VXORPD Z24, Z24, Z24       // k+1, counted up
	XORQ   AX, AX
	TESTQ  DX, DX
	JNZ    setau

	// sparsemaxTau.
	VMOVAPD Z16, Z25           // k* = 1
	VXORPD  Z26, Z26, Z26      // cumStar = +0

sstau:
	VPBROADCASTQ AX, Z4
	VPCMPQ       $6, Z4, Z12, K1
	KORTESTW     K1, K1
	JZ           sstauDone
	VADDPD       Z16, Z24, Z24
	VMOVUPD      0(SI), Z4     // y_(k+1)
	VADDPD       Z4, Z23, Z23  // cum += y
	VMULPD       Z4, Z24, Z5   // (k+1)·y
	VADDPD       Z16, Z5, Z5   // 1 + (k+1)·y
	VCMPPD       $0x1e, Z23, Z5, K2
	VMOVAPD      Z24, K2, Z25
	VMOVAPD      Z23, K2, Z26
	ADDQ         $64, SI
	INCQ         AX
	CMPQ         AX, R11
	JLT          sstau

sstauDone:
	VSUBPD Z16, Z26, Z22       // cumStar − 1
	VDIVPD Z25, Z22, Z22       // τ = (cumStar − 1)/k*
	JMP    sp

setau:
	// entmax15Tau: τ_k into C, k* = #{k : τ_k ≤ y_(k)}, τ = τ_{k*}.
	VXORPD Z27, Z27, Z27       // cumSq = +0
	VXORPD Z25, Z25, Z25       // k* = 0

setauLoop:
	VPBROADCASTQ AX, Z4
	VPCMPQ       $6, Z4, Z12, K1
	KORTESTW     K1, K1
	JZ           setauDone
	VADDPD       Z16, Z24, Z24 // kk = k+1
	VMOVUPD      0(SI), Z4     // y_(k+1)
	VADDPD       Z4, Z23, Z23  // cum += y
	VMULPD       Z4, Z4, Z5
	VADDPD       Z5, Z27, Z27  // cumSq += y·y
	VDIVPD       Z24, Z23, Z6  // mean = cum/kk
	VDIVPD       Z24, Z27, Z7  // cumSq/kk
	VMULPD       Z6, Z6, Z8
	VSUBPD       Z8, Z7, Z7    // cumSq/kk − mean·mean
	VMULPD       Z7, Z24, Z7   // kk·(…)
	VSUBPD       Z7, Z16, Z7   // 1 − kk·(…)
	VDIVPD       Z24, Z7, Z7   // δ = (…)/kk
	VCMPPD       $0x12, Z21, Z7, K2 // δ ≤ 0
	VSQRTPD      Z7, Z8
	VMOVAPD      Z21, K2, Z8   // sqrtPos(δ)
	VSUBPD       Z8, Z6, Z8    // τ_k = mean − sqrtPos(δ)
	VCMPPD       $0x12, Z4, Z8, K2  // τ_k ≤ y
	VADDPD       Z16, Z25, K2, Z25  // k*++
	VMOVUPD      Z8, 0(DI)
	ADDQ         $64, SI
	ADDQ         $64, DI
	INCQ         AX
	CMPQ         AX, R11
	JLT          setauLoop

setauDone:
	// τ = C[k* − 1], for the AX thresholds computed.
	MOVQ   R11, DI
	SHLQ   $7, DI
	ADDQ   R10, DI             // C
	VXORPD Z24, Z24, Z24

setauPick:
	VADDPD  Z16, Z24, Z24
	VCMPPD  $0x00, Z24, Z25, K2
	VMOVUPD 0(DI), K2, Z22
	ADDQ    $64, DI
	DECQ    AX
	JNZ     setauPick

sp:
	// p, its sums, the next state Σ_{p_μ ≠ 0} p_μ P_μ, the support.
	MOVQ   R10, DI
	MOVQ   R9, SI
	MOVQ   R11, CX
	XORQ   AX, AX              // μ
	VXORPD Z28, Z28, Z28
	VXORPD Z29, Z29, Z29
	VXORPD Z30, Z30, Z30
	VXORPD Z31, Z31, Z31
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	KXORW  K6, K6, K6

spLoop:
	VMOVUPD 0(DI), Z4
	VSUBPD  Z2, Z4, Z4         // y = z − m
	TESTQ   DX, DX
	JNZ     spEnt
	VSUBPD  Z22, Z4, Z5        // t = y − τ
	VCMPPD  $0x1e, Z21, Z5, K2 // t > 0
	VMOVAPD Z21, Z6
	VMOVAPD Z5, K2, Z6         // p = t
	VMULPD  Z4, Z5, Z7
	VADDPD  Z7, Z28, K2, Z28   // dot += t·y
	VMULPD  Z5, Z5, Z7
	VADDPD  Z7, Z29, K2, Z29   // sq += t·t
	JMP     spSum

spEnt:
	VMULPD  Z17, Z4, Z5
	VSUBPD  Z22, Z5, Z5        // t = 0.5·d − τ
	VCMPPD  $0x1e, Z21, Z5, K2 // t > 0
	VMULPD  Z5, Z5, Z7         // q = t·t
	VMOVAPD Z21, Z6
	VMOVAPD Z7, K2, Z6         // p = q
	VMULPD  Z4, Z7, Z8
	VADDPD  Z8, Z28, K2, Z28   // dot += q·d
	VMULPD  Z5, Z7, Z8
	VADDPD  Z8, Z29, K2, Z29   // cube += q·t

spSum:
	VCMPPD      $0x04, Z21, Z6, K3 // p ≠ 0
	VMULPD.BCST 24(SI), Z6, Z7
	VADDPD      Z7, Z30, K3, Z30
	VMULPD.BCST 32(SI), Z6, Z8
	VADDPD      Z8, Z31, K3, Z31
	VPADDQ      Z14, Z12, K3, Z12
	VCMPPD      $0x1e, Z21, Z6, K4 // p > 0
	VPADDQ      Z14, Z13, K4, Z13
	BTQ         AX, R13
	JCC         spNext
	VCMPPD      $0x00, Z16, Z6, K4 // p = 1 at a fixed μ
	KORW        K4, K6, K6

spNext:
	INCQ AX
	ADDQ $40, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  spLoop

	TESTQ BX, BX
	JZ    ssettle
	XORQ  BX, BX
	TESTQ DX, DX
	JNZ   spsiEnt
	VMULPD Z17, Z29, Z4        // 0.5·sq
	VSUBPD Z4, Z28, Z4         // dot − 0.5·sq
	VADDPD Z17, Z4, Z4         // + 0.5
	VADDPD Z4, Z2, Z4          // m + (…)
	VMOVUPD Z4, 320(R8)
	JMP    ssettle

spsiEnt:
	VADDPD  Z28, Z2, Z4        // m + dot
	VSUBPD  Z29, Z16, Z5       // 1 − cube
	VDIVPD  Z20, Z5, Z5        // /0.75
	VADDPD  Z5, Z4, Z4
	VMOVUPD Z4, 320(R8)

ssettle:
	// Settled: the update returned its state, or p = e_μ for a fixed μ.
	VCMPPD  $0x00, Z0, Z30, K2
	VCMPPD  $0x00, Z1, Z31, K3
	KANDW   K3, K2, K2
	VPCMPQ  $0, Z14, Z12, K3   // one non-zero p_μ
	KANDW   K6, K3, K3
	KORW    K3, K2, K2
	KORW    K2, K7, K7
	VMOVAPD Z30, Z0
	VMOVAPD Z31, Z1
	DECQ    R12
	JZ      sdone
	KMOVW   K7, AX
	CMPQ    AX, $0xff
	JNE     supdate

sdone:
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
	MOVB      $1, ret+64(FP)
	RET

sdecline:
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
	MOVB      $0, ret+64(FP)
	RET

// func finishLanesAVX512(st *laneState, coef *float64, m int, gh *float64, rows int, psiDivisor, tol float64)
//
// See finishLanes in lanes_amd64.go. laneState: qx at 0, qy at 64,
// support at 256, psi0 at 320, x0 at 384, y0 at 448, half at 512, best at
// 576, label at 640, energy at 704, labels at 768, supp at 800, slow at
// 832, white at 840. gh: 24 bytes per row (g_r0, g_r1, h_r). Z0–Z8 only,
// so VZEROUPPER leaves no upper state.
TEXT ·finishLanesAVX512(SB), NOSPLIT, $0-56
	MOVQ st+0(FP), R8
	MOVQ coef+8(FP), SI
	MOVQ m+16(FP), CX
	MOVQ gh+24(FP), DI
	MOVQ rows+32(FP), DX

	// Σ_r ((g_r0·x0 + g_r1·y0) + h_r)², from +0, as energy2.
	VMOVUPD 384(R8), Z0
	VMOVUPD 448(R8), Z1
	VXORPD  Z2, Z2, Z2
	TESTQ   DX, DX
	JZ      fhalfDone

fhalf:
	VMULPD.BCST 0(DI), Z0, Z3
	VMULPD.BCST 8(DI), Z1, Z4
	VADDPD      Z4, Z3, Z3
	VADDPD.BCST 16(DI), Z3, Z3 // φ_r
	VMULPD      Z3, Z3, Z3
	VADDPD      Z3, Z2, Z2     // half += φ_r·φ_r
	ADDQ        $24, DI
	DECQ        DX
	JNZ         fhalf

fhalfDone:
	VMOVUPD Z2, 512(R8)

	// The first μ with the smallest d² = (qx − px)² + (qy − py)², as label2.
	VMOVUPD      0(R8), Z0
	VMOVUPD      64(R8), Z1
	MOVQ         $0x7ff0000000000000, AX
	VPBROADCASTQ AX, Z5            // best = +Inf
	VPXORQ       Z6, Z6, Z6        // its μ
	VPXORQ       Z7, Z7, Z7        // μ
	MOVQ         $1, AX
	VPBROADCASTQ AX, Z8

flabel:
	VBROADCASTSD 24(SI), Z3
	VSUBPD       Z3, Z0, Z3        // dx = qx − px
	VBROADCASTSD 32(SI), Z4
	VSUBPD       Z4, Z1, Z4        // dy = qy − py
	VMULPD       Z3, Z3, Z3
	VMULPD       Z4, Z4, Z4
	VADDPD       Z4, Z3, Z3        // d²
	VCMPPD       $0x11, Z5, Z3, K1 // d² < best, false for NaN
	VMOVAPD      Z3, K1, Z5
	VMOVDQA64    Z7, K1, Z6
	VPADDQ       Z8, Z7, Z7
	ADDQ         $40, SI
	DECQ         CX
	JNZ          flabel

	VMOVUPD   Z5, 576(R8)
	VMOVDQU64 Z6, 640(R8)

	// energy = 0.5·half − ψ/psiDivisor
	VMOVUPD      512(R8), Z2
	MOVQ         $0x3fe0000000000000, AX
	VPBROADCASTQ AX, Z3
	VMULPD       Z3, Z2, Z2        // 0.5·half
	VMOVUPD      320(R8), Z4
	VBROADCASTSD psiDivisor+40(FP), Z7
	VDIVPD       Z7, Z4, Z4        // ψ/psiDivisor
	VSUBPD       Z4, Z2, Z2
	VMOVUPD      Z2, 704(R8)

	// Defined: (e − e) + (qx − qx) + (qy − qy) = 0, as cellResult.defined.
	VSUBPD Z2, Z2, Z3
	VSUBPD Z0, Z0, Z4
	VADDPD Z4, Z3, Z3
	VSUBPD Z1, Z1, Z4
	VADDPD Z4, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VCMPPD $0x00, Z4, Z3, K1

	// Normal: best ≥ 2^−1022 and best ≤ MaxFloat64. K2: the fast lanes.
	MOVQ         $0x0010000000000000, AX
	VPBROADCASTQ AX, Z3
	VCMPPD       $0x1d, Z3, Z5, K2 // best ≥ 2^−1022
	MOVQ         $0x7fefffffffffffff, AX
	VPBROADCASTQ AX, Z3
	VCMPPD       $0x12, Z3, Z5, K3 // best ≤ MaxFloat64
	KANDW        K3, K2, K2
	KANDW        K1, K2, K2
	KNOTW        K2, K3
	KMOVW        K3, AX
	ANDQ         $0xff, AX
	MOVQ         AX, 832(R8)       // slow

	// labels: μ where √best < tol, else LabelWhite (−1).
	VSQRTPD      Z5, Z3
	VBROADCASTSD tol+48(FP), Z4
	VCMPPD       $0x11, Z4, Z3, K3 // √best < tol
	MOVQ         $-1, AX
	VPBROADCASTQ AX, Z7
	VMOVDQA64    Z6, K3, Z7
	VPMOVQD      Z7, 768(R8)
	KANDNW       K2, K3, K4        // fast and not within
	KMOVW        K4, AX
	POPCNTL      AX, AX
	MOVQ         AX, 840(R8)       // white

	VMOVDQU64 256(R8), Z3
	VPMOVQD   Z3, 800(R8)          // supp
	VZEROUPPER
	RET

// func softmaxLanes2AVX512(stA, stB *laneState, coef, buf *float64, m, steps int, eps float64, k *[lcLen]float64) bool
//
// softmaxLanesAVX512 for two groups of eight cells, stA's and stB's, their
// instructions interleaved so that each group's chain of dependent steps
// (scores, max, exponentials, sum, 1/s, next state) overlaps the other's.
// Each lane computes exactly what it computes in softmaxLanesAVX512. It
// reports false if either group meets an exponent below −708 or not a
// number (the caller then takes the groups one at a time).
//
// buf: group A's scores and exponentials in the first 64·m bytes, B's in
// the next. Registers: A's state Z0, Z1, max Z2, sum Z3, scratch Z4–Z10,
// support Z11; B's Z12, Z13, Z14, Z15, Z25–Z31, Z24; Z16–Z19 the table;
// Z20 eps; Z21 int64 ones; Z22 int64 16; Z23 int64 1023; the other
// constants are broadcast from k. K1 and K4 gather x ≥ −708. Z15–Z31 are
// zeroed before VZEROUPPER, so that no upper state and no non-zero X15
// are left behind.
TEXT ·softmaxLanes2AVX512(SB), NOSPLIT, $0-65
	MOVQ stA+0(FP), R8
	MOVQ stB+8(FP), BX
	MOVQ coef+16(FP), R9
	MOVQ buf+24(FP), R10
	MOVQ m+32(FP), R11
	MOVQ steps+40(FP), R12
	MOVQ k+56(FP), R13

	VMOVUPD      0(R8), Z0
	VMOVUPD      64(R8), Z1
	VMOVUPD      0(BX), Z12
	VMOVUPD      64(BX), Z13
	VBROADCASTSD eps+48(FP), Z20
	VMOVUPD      0(R13), Z16
	VMOVUPD      64(R13), Z17
	VMOVUPD      128(R13), Z18
	VMOVUPD      192(R13), Z19
	MOVQ         $1, AX
	VPBROADCASTQ AX, Z21
	MOVQ         $16, AX
	VPBROADCASTQ AX, Z22
	MOVQ         $1023, AX
	VPBROADCASTQ AX, Z23

update2:
	// Scores and their max, as softmaxLanesAVX512.
	MOVQ R9, SI
	MOVQ R10, DI
	MOVQ R11, DX
	SHLQ $6, DX
	ADDQ R10, DX
	MOVQ R11, CX
	VMULPD.BCST 0(SI), Z0, Z4
	VMULPD.BCST 0(SI), Z12, Z25
	VMULPD.BCST 8(SI), Z1, Z5
	VMULPD.BCST 8(SI), Z13, Z26
	VADDPD Z5, Z4, Z4
	VADDPD Z26, Z25, Z25
	VADDPD.BCST 16(SI), Z4, Z4
	VADDPD.BCST 16(SI), Z25, Z25
	VMOVUPD Z4, 0(DI)
	VMOVUPD Z25, 0(DX)
	VMOVAPD Z4, Z2
	VMOVAPD Z25, Z14
	JMP scores2Next

scores2:
	VMULPD.BCST 0(SI), Z0, Z4
	VMULPD.BCST 0(SI), Z12, Z25
	VMULPD.BCST 8(SI), Z1, Z5
	VMULPD.BCST 8(SI), Z13, Z26
	VADDPD Z5, Z4, Z4
	VADDPD Z26, Z25, Z25
	VADDPD.BCST 16(SI), Z4, Z4
	VADDPD.BCST 16(SI), Z25, Z25
	VMOVUPD Z4, 0(DI)
	VMOVUPD Z25, 0(DX)
	VMAXPD Z2, Z4, Z2
	VMAXPD Z14, Z25, Z14

scores2Next:
	ADDQ $40, SI
	ADDQ $64, DI
	ADDQ $64, DX
	DECQ CX
	JNZ  scores2

	// Exponentials and their sums.
	MOVQ   R10, DI
	MOVQ   R11, DX
	SHLQ   $6, DX
	ADDQ   R10, DX
	MOVQ   R11, CX
	VXORPD Z3, Z3, Z3
	VXORPD Z15, Z15, Z15
	KXNORW K1, K1, K1
	KXNORW K4, K4, K4

exp2:
	VMOVUPD 0(DI), Z4
	VMOVUPD 0(DX), Z25
	VSUBPD Z2, Z4, Z4
	VSUBPD Z14, Z25, Z25
	VCMPPD.BCST $0x1d, 288(R13), Z4, K2
	VCMPPD.BCST $0x1d, 288(R13), Z25, K5
	KANDW K2, K1, K1
	KANDW K5, K4, K4
	VMULPD.BCST 256(R13), Z4, Z5
	VMULPD.BCST 256(R13), Z25, Z26
	VSUBPD.BCST 264(R13), Z5, Z5
	VSUBPD.BCST 264(R13), Z26, Z26
	VCVTTPD2QQ Z5, Z5
	VCVTTPD2QQ Z26, Z26
	VCVTQQ2PD Z5, Z6
	VCVTQQ2PD Z26, Z27
	VMULPD.BCST 272(R13), Z6, Z7
	VMULPD.BCST 272(R13), Z27, Z28
	VSUBPD Z7, Z4, Z7
	VSUBPD Z28, Z25, Z28
	VMULPD.BCST 280(R13), Z6, Z8
	VMULPD.BCST 280(R13), Z27, Z29
	VSUBPD Z8, Z7, Z7
	VSUBPD Z29, Z28, Z28
	VMOVDQA64 Z5, Z8
	VMOVDQA64 Z26, Z29
	VPERMI2PD Z17, Z16, Z8
	VPERMI2PD Z17, Z16, Z29
	VMOVDQA64 Z5, Z9
	VMOVDQA64 Z26, Z30
	VPERMI2PD Z19, Z18, Z9
	VPERMI2PD Z19, Z18, Z30
	VPTESTMQ Z22, Z5, K3
	VPTESTMQ Z22, Z26, K6
	VMOVAPD Z9, K3, Z8
	VMOVAPD Z30, K6, Z29
	VMULPD.BCST 296(R13), Z7, Z9
	VMULPD.BCST 296(R13), Z28, Z30
	VADDPD.BCST 304(R13), Z9, Z9
	VADDPD.BCST 304(R13), Z30, Z30
	VMULPD Z9, Z7, Z9
	VMULPD Z30, Z28, Z30
	VADDPD.BCST 312(R13), Z9, Z9
	VADDPD.BCST 312(R13), Z30, Z30
	VMULPD Z9, Z7, Z9
	VMULPD Z30, Z28, Z30
	VADDPD.BCST 320(R13), Z9, Z9
	VADDPD.BCST 320(R13), Z30, Z30
	VMULPD Z9, Z7, Z9
	VMULPD Z30, Z28, Z30
	VADDPD.BCST 328(R13), Z9, Z9
	VADDPD.BCST 328(R13), Z30, Z30
	VMULPD Z9, Z7, Z9
	VMULPD Z30, Z28, Z30
	VADDPD.BCST 336(R13), Z9, Z9
	VADDPD.BCST 336(R13), Z30, Z30
	VMULPD Z9, Z7, Z9
	VMULPD Z30, Z28, Z30
	VPSRAQ $5, Z5, Z10
	VPSRAQ $5, Z26, Z31
	VPADDQ Z23, Z10, Z10
	VPADDQ Z23, Z31, Z31
	VPSLLQ $52, Z10, Z10
	VPSLLQ $52, Z31, Z31
	VMULPD Z9, Z8, Z9
	VMULPD Z30, Z29, Z30
	VADDPD Z9, Z8, Z9
	VADDPD Z30, Z29, Z30
	VMULPD Z10, Z9, Z9
	VMULPD Z31, Z30, Z30
	VMOVUPD Z9, 0(DI)
	VMOVUPD Z30, 0(DX)
	VADDPD Z9, Z3, Z3
	VADDPD Z30, Z15, Z15
	ADDQ $64, DI
	ADDQ $64, DX
	DECQ CX
	JNZ  exp2

	KMOVW K1, AX
	CMPQ  AX, $0xff
	JNE   decline2
	KMOVW K4, AX
	CMPQ  AX, $0xff
	JNE   decline2

	// 1/s; the first update's max and sum; p, the next state, the support.
	VBROADCASTSD 336(R13), Z10
	VBROADCASTSD 336(R13), Z31
	VDIVPD Z3, Z10, Z10
	VDIVPD Z15, Z31, Z31
	CMPQ R12, steps+40(FP)
	JNE  sum2
	VMOVUPD Z2, 128(R8)
	VMOVUPD Z3, 192(R8)
	VMOVUPD Z14, 128(BX)
	VMOVUPD Z15, 192(BX)

sum2:
	MOVQ R9, SI
	MOVQ R10, DI
	MOVQ R11, DX
	SHLQ $6, DX
	ADDQ R10, DX
	MOVQ R11, CX
	VXORPD Z4, Z4, Z4
	VXORPD Z25, Z25, Z25
	VXORPD Z5, Z5, Z5
	VXORPD Z26, Z26, Z26
	VPXORQ Z11, Z11, Z11
	VPXORQ Z24, Z24, Z24

sum2Loop:
	VMULPD 0(DI), Z10, Z6
	VMULPD 0(DX), Z31, Z27
	VMULPD.BCST 24(SI), Z6, Z7
	VMULPD.BCST 24(SI), Z27, Z28
	VADDPD Z7, Z4, Z4
	VADDPD Z28, Z25, Z25
	VMULPD.BCST 32(SI), Z6, Z8
	VMULPD.BCST 32(SI), Z27, Z29
	VADDPD Z8, Z5, Z5
	VADDPD Z29, Z26, Z26
	VCMPPD $0x1e, Z20, Z6, K2
	VCMPPD $0x1e, Z20, Z27, K5
	VPADDQ Z21, Z11, K2, Z11
	VPADDQ Z21, Z24, K5, Z24
	ADDQ $40, SI
	ADDQ $64, DI
	ADDQ $64, DX
	DECQ CX
	JNZ  sum2Loop

	VMOVAPD Z4, Z0
	VMOVAPD Z25, Z12
	VMOVAPD Z5, Z1
	VMOVAPD Z26, Z13
	DECQ R12
	JNZ  update2

	VMOVUPD   Z0, 0(R8)
	VMOVUPD   Z1, 64(R8)
	VMOVDQU64 Z11, 256(R8)
	VMOVUPD   Z12, 0(BX)
	VMOVUPD   Z13, 64(BX)
	VMOVDQU64 Z24, 256(BX)
	VPXORQ Z15, Z15, Z15
	VPXORQ Z16, Z16, Z16
	VPXORQ Z17, Z17, Z17
	VPXORQ Z18, Z18, Z18
	VPXORQ Z19, Z19, Z19
	VPXORQ Z20, Z20, Z20
	VPXORQ Z21, Z21, Z21
	VPXORQ Z22, Z22, Z22
	VPXORQ Z23, Z23, Z23
	VPXORQ Z24, Z24, Z24
	VPXORQ Z25, Z25, Z25
	VPXORQ Z26, Z26, Z26
	VPXORQ Z27, Z27, Z27
	VPXORQ Z28, Z28, Z28
	VPXORQ Z29, Z29, Z29
	VPXORQ Z30, Z30, Z30
	VPXORQ Z31, Z31, Z31
	VZEROUPPER
	MOVB $1, ret+64(FP)
	RET

decline2:
	VPXORQ Z15, Z15, Z15
	VPXORQ Z16, Z16, Z16
	VPXORQ Z17, Z17, Z17
	VPXORQ Z18, Z18, Z18
	VPXORQ Z19, Z19, Z19
	VPXORQ Z20, Z20, Z20
	VPXORQ Z21, Z21, Z21
	VPXORQ Z22, Z22, Z22
	VPXORQ Z23, Z23, Z23
	VPXORQ Z24, Z24, Z24
	VPXORQ Z25, Z25, Z25
	VPXORQ Z26, Z26, Z26
	VPXORQ Z27, Z27, Z27
	VPXORQ Z28, Z28, Z28
	VPXORQ Z29, Z29, Z29
	VPXORQ Z30, Z30, Z30
	VPXORQ Z31, Z31, Z31
	VZEROUPPER
	MOVB $0, ret+64(FP)
	RET
