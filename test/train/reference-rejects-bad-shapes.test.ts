// The reference and initParams reject a config, parameter buffer, window or seed that does not
// fit, with a stable code and a message that names the field and what was expected.
import { describe, expect, it } from 'vitest';
import { initParams, paramLayout, referenceForward, referenceLossAndGrads } from '../../src/train/index.ts';
import { randomWindow, TINY } from './reference-inputs.ts';

const params = new Float64Array(paramLayout(TINY).total);
const win = randomWindow(TINY, 3, 1);
const shapeError = (message: RegExp): unknown =>
  expect.objectContaining({ code: 'TRAIN_REFERENCE_SHAPE', message: expect.stringMatching(message) });

describe('bad shapes get a clear error', () => {
  it('dModel not divisible by heads', () => {
    expect(() => referenceForward({ ...TINY, heads: 3 }, params, win)).toThrow(
      shapeError(/config\.dModel = 8 is not divisible by config\.heads = 3/),
    );
  });
  it('a size that is not a positive integer', () => {
    expect(() => initParams({ ...TINY, layers: 0 }, 1)).toThrow(
      shapeError(/config\.layers = 0: expected a positive integer/),
    );
  });
  it('a parameter buffer of another length', () => {
    expect(() => referenceForward(TINY, params.subarray(1), win)).toThrow(
      shapeError(/params has \d+ elements; paramLayout\(config\)\.total is \d+/),
    );
  });
  it('a window whose x, target or mask does not match T', () => {
    expect(() => referenceLossAndGrads(TINY, params, [win, { ...win, x: new Float64Array(4) }])).toThrow(
      shapeError(/windows\[1\]\.x has 4 elements; expected T·features = 3·5 = 15/),
    );
    expect(() => referenceLossAndGrads(TINY, params, [{ ...win, mask: [1] }])).toThrow(
      shapeError(/windows\[0\]\.mask has 1 elements; expected T·horizon/),
    );
    expect(() => referenceForward(TINY, params, { ...win, T: 2.5 })).toThrow(shapeError(/window\.T = 2\.5/));
  });
  it('a seed that is not a uint32', () => {
    expect(() => initParams(TINY, -1)).toThrow(
      expect.objectContaining({ code: 'TRAIN_SEED', message: expect.stringMatching(/seed = -1/) }),
    );
  });
});
