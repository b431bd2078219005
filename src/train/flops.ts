// Model FLOPs per token of one training step (forward + backward), the numerator of MFU:
// 6·N for the matmul weights plus the causal attention term, derived below.
import { UsageError } from '../core/index.ts';
import type { ModelConfig } from './params.ts';

export interface FlopsPerToken {
  /** 6·N, N = weights of the matmuls (no biases, no LayerNorm). */
  readonly dense: number;
  /** QKᵀ and P·V, forward and backward, causal pairs only. */
  readonly attention: number;
  readonly total: number;
}

/**
 * Weight multiplications per token: in.w F·d, per layer wq, wk, wv, wo 4·d² and fc1, fc2 2·d·m
 * (m = mlpRatio·d), the head's f projection d·Hz·E, and per target hour (Hz of them per token)
 * head.k K·E, head.o E·Q and head.s K·Q — those three multiply Hz rows per token, so they count Hz
 * times, as a weight shared by several tokens does.
 */
export function matmulWeights(c: ModelConfig): number {
  const d = c.dModel;
  const m = c.mlpRatio * d;
  const E = c.headHidden;
  const K = c.futureFeatures;
  const Q = c.quantiles.length;
  const head = d * c.horizon * E + c.horizon * (K * E + E * Q + K * Q);
  return c.features * d + c.layers * (4 * d * d + 2 * d * m) + head;
}

/**
 * Derivation, per token (one row of every activation):
 * - Dense. A weight W [in, out] costs 2·in·out FLOPs forward (one multiply and one add per
 *   element), 2·in·out for dX = dY·Wᵀ and 2·in·out for dW += xᵀ·dY: 6 per weight, 6·N in all
 *   (Kaplan et al. 2020 §2.1; PaLM's MFU, Chowdhery et al. 2022 App. B). Our choice: N counts
 *   the matmul weights only. Biases, LayerNorm, GELU and residual adds are element-wise (a bias
 *   costs 1 FLOP forward and 1 in its column-sum gradient, not 6) and are left out, so MFU is not
 *   inflated by work that is not matmul work. By the 6·N convention the input projection's dX is
 *   counted although x needs no gradient (2·F·d per token more than a trainer must do).
 * - Attention, per layer and head (D = dModel/heads). The query at position t attends to keys
 *   0..t: t + 1 pairs. Per pair, forward: the score q·k (2·D) and its share of P·V (2·D) = 4·D;
 *   backward: dP = dO·v, dV += p·dO, dQ += dS·k, dK += dS·q, each 2·D = 8·D (twice the forward).
 *   12·D per pair, 12·d over the heads. Pairs per window Σ_{t<T} (t+1) = T(T+1)/2, i.e.
 *   (T+1)/2 per token: the causal half counted exactly (FlashAttention's T/2 differs by 1/T).
 *   So attention = L · 12·d · (T+1)/2 = 6·L·d·(T+1). Softmax and scaling are element-wise: left out.
 */
export function modelFlopsPerToken(config: ModelConfig, seqLen: number): FlopsPerToken {
  if (!Number.isInteger(seqLen) || seqLen <= 0) {
    throw new UsageError('TRAIN_SEQ_LEN', `seqLen = ${seqLen}: expected a positive integer (hours per window)`);
  }
  const dense = 6 * matmulWeights(config);
  const attention = 6 * config.layers * config.dModel * (seqLen + 1);
  return { dense, attention, total: dense + attention };
}
