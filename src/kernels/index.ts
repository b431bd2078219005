// Public entry of the kernels stage: the WebGPU runtime and the training kernels.
export { describeAdapter, formatAdapter, isCpuAdapter, openGpu } from './runtime/device.ts';
export type { AdapterChoice, AdapterDescription, Gpu } from './runtime/device.ts';
export { POLLER_NICE_ENV, yieldPollerToAdapter } from './runtime/poller.ts';
export { adapterThreadIds } from './runtime/adapter-threads.ts';
export type { PollerPriority } from './runtime/poller.ts';
export { readF32, uploadF16, uploadF32, zerosF32 } from './runtime/buffers.ts';
export { PipelineCache, shaderSource } from './runtime/pipelines.ts';
export type { Overrides } from './runtime/pipelines.ts';
export { INSTALL_HINT, MissingFeatureError, NoAdapterError, ShaderCompileError, ShapeError } from './runtime/errors.ts';
export { DAWN_BACKENDS, dawnInstance, listAdapters } from './runtime/device.ts';
export type { ListedAdapter } from './runtime/device.ts';
export { readBytes } from './runtime/buffers.ts';
export { BufferPool, POOL_STORAGE_USAGE, sizeClass } from './runtime/pool.ts';
export {
  BufferUsage,
  MapMode,
  OUTPUT_USAGE,
  READBACK_USAGE,
  SCRATCH_USAGE,
  STORAGE_USAGE,
  UNIFORM_USAGE,
} from './runtime/usage.ts';
export type { PoolStats } from './runtime/pool.ts';
export { createGpuTimer, wallSeconds } from './runtime/timing.ts';
export type { GpuTimer, TimingMethod } from './runtime/timing.ts';
export {
  BYTES_PER_ELEMENT,
  emptyTensor,
  readTensor,
  shapeSize,
  tensorFromArray,
  zerosTensor,
} from './runtime/tensor.ts';
export type { DType, Tensor } from './runtime/tensor.ts';
export {
  F16_STORAGE_TOLERANCE,
  F16_UNIT_ROUNDOFF,
  f16Bits,
  f16Value,
  fromF16Array,
  toF16Array,
} from './runtime/half.ts';
export { createUniformBuffer, packUniforms, parseStructLayout, uniformLayout } from './runtime/uniforms.ts';
export type { ScalarType, UniformField, UniformLayout, UniformValues } from './runtime/uniforms.ts';
export { BiasAdd } from './ops/bias-add.ts';
export type { RowsCols } from './ops/bias-add.ts';
export { biasAddRef, biasGradRef, residualAddRef } from './ops/bias-add.ref.ts';
export { ResidualAdd } from './ops/residual-add.ts';
export { ColumnSum } from './ops/column-sum.ts';
export { paramStruct, paramStructMismatches, UniformCache } from './runtime/uniforms.ts';
export type { ParamScalar, ParamStruct } from './runtime/uniforms.ts';
export { submitAndWait } from './runtime/op-support.ts';
export { createAttentionKernels, PAD_POSITION, uploadU32 } from './ops/attention.ts';
export type {
  AttentionConfig,
  AttentionKernels,
  AttentionState,
  BackwardArgs,
  BackwardBlockArgs,
  BackwardPrepArgs,
  BackwardResult,
  FinalizeArgs,
  FoldArgs,
  ForwardArgs,
  ForwardResult,
} from './ops/attention-types.ts';
export { ATTENTION_BACKWARD_PARAMS, ATTENTION_FORWARD_PARAMS, attentionTuning } from './ops/attention-pipelines.ts';
export type { AttentionTuning, RowsPerInvocation } from './ops/attention-types.ts';
export {
  attentionF16StorageTolerance,
  attentionBackwardRef,
  attentionDqRowRef,
  attentionForwardRef,
  attentionRowRef,
  contiguousPositions,
} from './ops/attention.ref.ts';
export type { AttentionRefConfig, AttentionRefInputs } from './ops/attention.ref.ts';
export { LayerNorm } from './ops/layernorm.ts';
export type { LayerNormBackwardIO, LayerNormForwardIO, LayerNormShape } from './ops/layernorm.ts';
export { layerNormBackwardRef, layerNormForwardRef } from './ops/layernorm.ref.ts';
export type { LayerNormBackwardRef, LayerNormForwardRef } from './ops/layernorm.ref.ts';
export { Gelu } from './ops/gelu.ts';
export { geluBackwardRef, geluRef } from './ops/gelu.ref.ts';
export { Mse } from './ops/mse.ts';
export type { MseBackwardIO, MseForwardIO } from './ops/mse.ts';
export { mseBackwardRef, mseRef } from './ops/mse.ref.ts';
export type { MseRef } from './ops/mse.ref.ts';
export { Pinball, PINBALL_MAX_QUANTILES, PINBALL_PARAMS } from './ops/pinball.ts';
export type { PinballBackwardIO, PinballForwardIO, PinballShape } from './ops/pinball.ts';
export { pinballBackwardRef, pinballRef } from './ops/pinball.ref.ts';
export type { PinballRef } from './ops/pinball.ref.ts';
export { AdamW } from './ops/adamw.ts';
export type { AdamWIO, AdamWStep } from './ops/adamw.ts';
export { ADAMW_DEFAULTS, adamwStepRef } from './ops/adamw.ref.ts';
export type { AdamWHyper } from './ops/adamw.ref.ts';
export { GradNorm } from './ops/gradnorm.ts';
export type { GradSlice } from './ops/gradnorm.ts';
export { clipGradsRef, gradNormRef } from './ops/gradnorm.ref.ts';
export type { GradNormRef } from './ops/gradnorm.ref.ts';
export { BIAS_ADD_PARAMS } from './ops/bias-add.ts';
export { RESIDUAL_ADD_PARAMS } from './ops/residual-add.ts';
export { COLUMN_SUM_PARAMS } from './ops/column-sum.ts';
export { LAYER_NORM_PARAMS } from './ops/layernorm.ts';
export { GELU_PARAMS } from './ops/gelu.ts';
export { MSE_PARAMS } from './ops/mse.ts';
export { ADAMW_PARAMS } from './ops/adamw.ts';
export { GRAD_NORM_PARAMS } from './ops/gradnorm.ts';
export {
  createMatmul,
  describeShape as describeMatmulShape,
  matmul,
  matmulExtents,
  MATMUL_F16_PARAMS,
  MATMUL_PARAMS,
  MATMUL_SUBGROUP_PARAMS,
  matmulVariants,
  resolveMatmulShape,
} from './ops/matmul.ts';
export { MATMUL_F16_PACK_PARAMS, MATMUL_PACK_PARAMS } from './ops/matmul-pack.ts';
export type {
  MatmulBuffers,
  MatmulKernel,
  MatmulOptions,
  MatmulShape,
  MatmulStorage,
  MatmulVariant,
  ResolvedMatmulShape,
} from './ops/matmul.ts';
export { matmulMismatch, matmulRef } from './ops/matmul.ref.ts';
export type { MatmulRefResult, MatmulRefShape } from './ops/matmul.ref.ts';
export {
  DAWN_TOGGLES,
  featureReport,
  formatFeatureReport,
  parseFeatures,
  REQUESTABLE_FEATURES,
  subgroupMatrixConfigs,
  togglesFor,
  WEBGPU_FEATURE,
} from './runtime/features.ts';
export type { FeatureReport, RequestedFeature, SubgroupMatrixConfig } from './runtime/features.ts';
