// Named views of the flat parameter (or gradient) buffer, one per slice of paramLayout, so the
// reference reads weights and writes gradients in place, in the layout the GPU model uses.
import { paramLayout, sliceOf, type ModelConfig, type ParamLayout } from '../params.ts';

export interface LayerWeights {
  readonly ln1g: Float64Array;
  readonly ln1b: Float64Array;
  readonly wq: Float64Array;
  readonly bq: Float64Array;
  readonly wk: Float64Array;
  readonly bk: Float64Array;
  readonly wv: Float64Array;
  readonly bv: Float64Array;
  readonly wo: Float64Array;
  readonly bo: Float64Array;
  readonly ln2g: Float64Array;
  readonly ln2b: Float64Array;
  readonly fc1w: Float64Array;
  readonly fc1b: Float64Array;
  readonly fc2w: Float64Array;
  readonly fc2b: Float64Array;
}

export interface ModelWeights {
  readonly inW: Float64Array;
  readonly inB: Float64Array;
  readonly layers: readonly LayerWeights[];
  readonly lnfG: Float64Array;
  readonly lnfB: Float64Array;
  /** The per-target-hour head (params.ts): f projection, known-future projection, output, skip. */
  readonly headFW: Float64Array;
  readonly headFB: Float64Array;
  readonly headKW: Float64Array;
  readonly headKB: Float64Array;
  readonly headOW: Float64Array;
  readonly headOB: Float64Array;
  readonly headSW: Float64Array;
  readonly headSB: Float64Array;
}

function view(layout: ParamLayout, flat: Float64Array, name: string): Float64Array {
  const s = sliceOf(layout, name);
  return flat.subarray(s.offset, s.offset + s.count);
}

function layerViews(layout: ParamLayout, flat: Float64Array, l: number): LayerWeights {
  const v = (name: string): Float64Array => view(layout, flat, `l${l}.${name}`);
  return {
    ln1g: v('ln1.g'),
    ln1b: v('ln1.b'),
    wq: v('wq'),
    bq: v('bq'),
    wk: v('wk'),
    bk: v('bk'),
    wv: v('wv'),
    bv: v('bv'),
    wo: v('wo'),
    bo: v('bo'),
    ln2g: v('ln2.g'),
    ln2b: v('ln2.b'),
    fc1w: v('fc1.w'),
    fc1b: v('fc1.b'),
    fc2w: v('fc2.w'),
    fc2b: v('fc2.b'),
  };
}

/** Views into `flat` (length paramLayout(c).total); writing a view writes the flat buffer. */
export function weightViews(c: ModelConfig, flat: Float64Array): ModelWeights {
  const layout = paramLayout(c);
  return {
    inW: view(layout, flat, 'in.w'),
    inB: view(layout, flat, 'in.b'),
    layers: Array.from({ length: c.layers }, (_, l) => layerViews(layout, flat, l)),
    lnfG: view(layout, flat, 'lnf.g'),
    lnfB: view(layout, flat, 'lnf.b'),
    headFW: view(layout, flat, 'head.f.w'),
    headFB: view(layout, flat, 'head.f.b'),
    headKW: view(layout, flat, 'head.k.w'),
    headKB: view(layout, flat, 'head.k.b'),
    headOW: view(layout, flat, 'head.o.w'),
    headOB: view(layout, flat, 'head.o.b'),
    headSW: view(layout, flat, 'head.s.w'),
    headSB: view(layout, flat, 'head.s.b'),
  };
}
