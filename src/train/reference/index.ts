// The train stage's whole-model f64 reference (loss and every parameter gradient for small
// shapes) and seeded initialisation; re-exported by src/train/index.ts.
export { referenceForward, referenceLossAndGrads } from './model.ts';
export type { ReferenceLoss } from './model.ts';
export { ReferenceShapeError } from './validate.ts';
export type { ReferenceWindow } from './validate.ts';
export { initParams, initStd } from './init.ts';
