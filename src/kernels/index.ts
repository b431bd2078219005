// Public entry of the kernels stage: the WebGPU runtime and the training kernels.
export { describeAdapter, formatAdapter, openGpu } from './device.ts';
export type { AdapterChoice, AdapterDescription, Gpu } from './device.ts';
export { readF32, uploadF32, zerosF32 } from './buffers.ts';
export { PipelineCache, shaderSource } from './pipelines.ts';
export type { Overrides } from './pipelines.ts';
export { INSTALL_HINT, MissingFeatureError, NoAdapterError, ShaderCompileError, ShapeError } from './errors.ts';
