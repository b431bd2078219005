// The attention kernels' types: configuration, the block API's arguments and results, the
// running state and the tuning. Kept apart so the kernels' modules share them without a cycle.

export interface AttentionConfig {
  readonly heads: number;
  /** Head dimension D: a multiple of 4, at most 128. */
  readonly headDim: number;
  readonly causal: boolean;
  /** Softmax scale; default 1/sqrt(headDim). */
  readonly scale?: number;
  /**
   * Element type of the Q, K and V buffers (default f32). f16 (needs `shader-f16`) halves their
   * bytes; every score, softmax term and sum is still f32, and O, lse, the state, dO and the
   * gradients stay f32 buffers.
   */
  readonly storage?: 'f32' | 'f16';
}

/** Running softmax state of one Q block (own buffers; `destroy()` frees them). */
export interface AttentionState {
  readonly rows: number;
  readonly m: GPUBuffer; // [rows, H] f32, log2 units
  readonly l: GPUBuffer; // [rows, H] f32
  readonly acc: GPUBuffer; // [rows, H, D] f32
  /** Re-initialises to m = −∞ (−1e30), l = 0, acc = 0 (recorded into `encoder`). */
  encodeReset(encoder: GPUCommandEncoder): void;
  destroy(): void;
}

export interface FoldArgs {
  readonly q: GPUBuffer; // [qRows, H, D]
  readonly qPos: GPUBuffer; // [qRows] u32
  readonly qRows: number;
  readonly k: GPUBuffer; // [kRows, H, D]
  readonly v: GPUBuffer; // [kRows, H, D]
  readonly kPos: GPUBuffer; // [kRows] u32
  readonly kRows: number;
  readonly state: AttentionState;
  /** Row offsets into q/qPos/state and k/v/kPos (default 0). */
  readonly qOffset?: number;
  readonly kOffset?: number;
  /**
   * The query rows are consecutive segments of this many rows (the last may be shorter; default
   * qRows, one segment): no workgroup spans two, since positions jump between segments (a ring
   * rank's zigzag or striped rows).
   */
  readonly qSegmentRows?: number;
}

export interface FinalizeArgs {
  readonly state: AttentionState;
  readonly o: GPUBuffer; // [rows, H, D]
  readonly lse: GPUBuffer; // [rows, H]
}

export interface BackwardPrepArgs {
  readonly o: GPUBuffer; // [rows, H, D]
  readonly dO: GPUBuffer; // [rows, H, D]
  readonly rows: number;
  readonly delta: GPUBuffer; // [rows, H] out
}

export interface BackwardBlockArgs {
  readonly q: GPUBuffer;
  readonly qPos: GPUBuffer;
  readonly qRows: number;
  readonly k: GPUBuffer;
  readonly v: GPUBuffer;
  readonly kPos: GPUBuffer;
  readonly kRows: number;
  readonly dO: GPUBuffer; // [qRows, H, D]
  readonly lse: GPUBuffer; // [qRows, H] (from the forward's finalize)
  readonly delta: GPUBuffer; // [qRows, H] (from encodeBackwardPrep)
  readonly dq: GPUBuffer; // [qRows, H, D] accumulated into (+=)
  readonly dk: GPUBuffer; // [kRows, H, D] accumulated into (+=)
  readonly dv: GPUBuffer; // [kRows, H, D] accumulated into (+=)
  readonly qOffset?: number;
  readonly kOffset?: number;
  /** Segments of the query rows and of the key rows (as FoldArgs.qSegmentRows; default one each). */
  readonly qSegmentRows?: number;
  readonly kSegmentRows?: number;
}

export interface ForwardArgs {
  readonly q: GPUBuffer; // [T, H, D]
  readonly k: GPUBuffer;
  readonly v: GPUBuffer;
  readonly T: number;
  /** [T] u32 positions shared by queries and keys; default 0..T-1. */
  readonly positions?: GPUBuffer;
}

export interface ForwardResult {
  readonly o: GPUBuffer; // [T, H, D], caller owns
  readonly lse: GPUBuffer; // [T, H], caller owns
}

export interface BackwardArgs extends ForwardArgs {
  readonly o: GPUBuffer;
  readonly lse: GPUBuffer;
  readonly dO: GPUBuffer;
}

export interface BackwardResult {
  readonly dq: GPUBuffer; // [T, H, D], caller owns
  readonly dk: GPUBuffer;
  readonly dv: GPUBuffer;
}

export interface AttentionKernels {
  readonly config: Required<AttentionConfig>;
  /** Workgroup size and rows per invocation chosen for this adapter (see attentionTuning). */
  readonly tuning: AttentionTuning;
  createState(rows: number): AttentionState;
  encodeFold(encoder: GPUCommandEncoder, args: FoldArgs): void;
  encodeFinalize(encoder: GPUCommandEncoder, args: FinalizeArgs): void;
  encodeBackwardPrep(encoder: GPUCommandEncoder, args: BackwardPrepArgs): void;
  encodeBackwardBlock(encoder: GPUCommandEncoder, args: BackwardBlockArgs): void;
  /** Full attention: one fold over all keys then finalize; submits and waits. */
  forward(args: ForwardArgs): Promise<ForwardResult>;
  /** Full backward: prep, then one backward block over all keys; submits and waits. */
  backward(args: BackwardArgs): Promise<BackwardResult>;
  /** Records the full forward into `encoder` (buffers supplied by the caller). */
  encodeForward(
    encoder: GPUCommandEncoder,
    args: ForwardArgs & ForwardResult & { readonly state: AttentionState },
  ): void;
  /** Records the full backward into `encoder`; dq/dk/dv must be zeroed (they are accumulated into). */
  encodeBackward(encoder: GPUCommandEncoder, args: BackwardArgs & BackwardResult & { readonly delta: GPUBuffer }): void;
  /** u32 positions 0..T-1 as a GPU buffer (cached per T; owned by the kernels object). */
  positions(T: number): GPUBuffer;
  /**
   * Frees what the kernels object owns: the cached positions and uniform buffers, and every state
   * from createState() not yet destroyed. Call once no submitted work still uses them; the object
   * is not to be used afterwards.
   */
  destroy(): void;
}

export interface RowsPerInvocation {
  readonly forward: number;
  /** Key rows per invocation of the dK/dV pass. */
  readonly dkdv: number;
  /** Query rows per invocation of the dQ pass. */
  readonly dq: number;
}

export interface AttentionTuning {
  readonly workgroupSize: number;
  readonly rows: RowsPerInvocation;
}
