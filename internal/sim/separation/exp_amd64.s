//go:build !purego

#include "textflag.h"

// func expShiftedAVX512(dst, src *float64, n int, shift float64, k *[expConstsLen]float64) bool
//
// dst[i] = e^(src[i] − shift) for i < n ≥ 1, eight at a time (the last
// block masked), by expShiftedScalar's operations in its order, each one
// rounded (see ExpRecipe): the same bits. It returns false, with dst
// partly written, if an argument is below −708 or not a number.
//
// k: the table at 0 (32 entries), then 32/ln2, 0.5, ln2/32 hi, lo, −708,
// 1/720, 1/120, 1/24, 1/6, 1/2, 1 at byte 256 on (expConsts).
// Registers Z0–Z14 only (Z15's low half is Go's zero register X15), so
// that VZEROUPPER leaves no upper state behind for the SSE code that
// follows.
TEXT ·expShiftedAVX512(SB), NOSPLIT, $0-41
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ k+32(FP), AX
	VBROADCASTSD shift+24(FP), Z0
	VMOVUPD      0(AX), Z1
	VMOVUPD      64(AX), Z2
	VMOVUPD      128(AX), Z3
	VMOVUPD      192(AX), Z4
	MOVQ         $16, DX
	VPBROADCASTQ DX, Z14          // bit 4 of k
	MOVQ         $1023, DX
	VPBROADCASTQ DX, Z13

block:
	// K1: the lanes of this block, min(n, 8) of them.
	MOVQ  $0xff, DX
	CMPQ  CX, $8
	JGE   full
	MOVQ  $1, DX
	SHLQ  CX, DX
	DECQ  DX

full:
	KMOVW      DX, K1
	VMOVUPD.Z  0(SI), K1, Z5
	VSUBPD     Z0, Z5, Z5                  // x = src − shift
	VCMPPD.BCST $0x1d, 288(AX), Z5, K1, K2 // x ≥ −708 in the block's lanes
	KXORW      K1, K2, K3
	KORTESTW   K3, K3
	JNZ        decline
	VMULPD.BCST 256(AX), Z5, Z6
	VSUBPD.BCST 264(AX), Z6, Z6
	VCVTTPD2QQ Z6, Z6                      // k = int64(x·32/ln2 − 0.5)
	VCVTQQ2PD  Z6, Z7                      // float64(k)
	VMULPD.BCST 272(AX), Z7, Z8
	VSUBPD     Z8, Z5, Z8                  // x − k·hi
	VMULPD.BCST 280(AX), Z7, Z9
	VSUBPD     Z9, Z8, Z8                  // r = (x − k·hi) − k·lo
	VMOVDQA64  Z6, Z9
	VPERMI2PD  Z2, Z1, Z9                  // table[k & 15]
	VMOVDQA64  Z6, Z10
	VPERMI2PD  Z4, Z3, Z10                 // table[16 + k & 15]
	VPTESTMQ   Z14, Z6, K3
	VMOVAPD    Z10, K3, Z9                 // t = table[k & 31]
	VMULPD.BCST 296(AX), Z8, Z10           // r·(1/720)
	VADDPD.BCST 304(AX), Z10, Z10
	VMULPD     Z10, Z8, Z10
	VADDPD.BCST 312(AX), Z10, Z10
	VMULPD     Z10, Z8, Z10
	VADDPD.BCST 320(AX), Z10, Z10
	VMULPD     Z10, Z8, Z10
	VADDPD.BCST 328(AX), Z10, Z10
	VMULPD     Z10, Z8, Z10
	VADDPD.BCST 336(AX), Z10, Z10
	VMULPD     Z10, Z8, Z10                // e^r − 1
	VPSRAQ     $5, Z6, Z11
	VPADDQ     Z13, Z11, Z11
	VPSLLQ     $52, Z11, Z11               // 2^(k>>5)
	VMULPD     Z10, Z9, Z10
	VADDPD     Z10, Z9, Z10                // t + t·(e^r − 1)
	VMULPD     Z11, Z10, Z10               // e
	VMOVUPD    Z10, K1, 0(DI)
	ADDQ       $64, SI
	ADDQ       $64, DI
	SUBQ       $8, CX
	JGT        block

	VZEROUPPER
	MOVB $1, ret+40(FP)
	RET

decline:
	VZEROUPPER
	MOVB $0, ret+40(FP)
	RET
