// Public entry of the train stage: the model config and flat parameter layout, its whole-model
// f64 reference and seeded initialisation, and the FLOPs count behind MFU.
export { headDim, LAYER_NORM_EPS, PARAM_ALIGN, paramLayout, sliceOf } from './params.ts';
export type { ModelConfig, ParamInit, ParamLayout, ParamSlice } from './params.ts';
export { initParams, initStd, referenceForward, referenceLossAndGrads, ReferenceShapeError } from './reference/index.ts';
export type { ReferenceLoss, ReferenceWindow } from './reference/index.ts';
export { matmulWeights, modelFlopsPerToken } from './flops.ts';
export type { FlopsPerToken } from './flops.ts';
