// The tensors one ring pass reads and writes on each rank, owned by the caller (a model's layer
// activations, or the host helpers' buffers): q/k/v/o/dO/dq/dk/dv `[rows, H, D]`, lse `[rows, H]`
// f32, row order = the layout's rows of that rank (pads included).
import { ShapeError } from '../kernels/index.ts';

export interface RingForwardIO {
  readonly q: GPUBuffer;
  readonly k: GPUBuffer;
  readonly v: GPUBuffer;
  /** Written by the pass. */
  readonly o: GPUBuffer;
  /** Written by the pass (natural-log log-sum-exp, kept for the backward). */
  readonly lse: GPUBuffer;
}

export interface RingBackwardIO extends RingForwardIO {
  readonly dO: GPUBuffer;
  /** Overwritten by the pass with the gradients of this rank's rows. */
  readonly dq: GPUBuffer;
  readonly dk: GPUBuffer;
  readonly dv: GPUBuffer;
}

/** The tensor buffers of one rank's IO record, by field name. */
function fieldsOf(io: RingForwardIO | RingBackwardIO): [string, GPUBuffer][] {
  const out: [string, GPUBuffer][] = [
    ['q', io.q],
    ['k', io.k],
    ['v', io.v],
    ['o', io.o],
  ];
  if ('dO' in io) out.push(['dO', io.dO], ['dq', io.dq], ['dk', io.dk], ['dv', io.dv]);
  return out;
}

/** Checks one IO record per rank, each buffer large enough; errors name the pass, rank and field. */
export function checkPassIO(
  pass: string,
  io: readonly (RingForwardIO | RingBackwardIO)[],
  shape: { readonly ranks: number; readonly rows: number; readonly heads: number; readonly headDim: number },
): void {
  if (io.length !== shape.ranks)
    throw new ShapeError(`ring ${pass}: got ${io.length} rank IO records, expected one per rank (${shape.ranks})`);
  const tensorBytes = shape.rows * shape.heads * shape.headDim * 4;
  const lseBytes = shape.rows * shape.heads * 4;
  io.forEach((rankIO, rank) => {
    for (const [name, buffer] of fieldsOf(rankIO)) {
      if (buffer.size < tensorBytes) {
        throw new ShapeError(
          `ring ${pass}: io[${rank}].${name} has ${buffer.size} bytes, needs [rows=${shape.rows}, H=${shape.heads}, ` +
            `D=${shape.headDim}] f32 = ${tensorBytes}`,
        );
      }
    }
    if (rankIO.lse.size < lseBytes) {
      throw new ShapeError(
        `ring ${pass}: io[${rank}].lse has ${rankIO.lse.size} bytes, needs [rows=${shape.rows}, H=${shape.heads}] ` +
          `f32 = ${lseBytes}`,
      );
    }
  });
}
