// Errors of the GPU runtime and kernels: each names the shape, limit or feature involved.
import { ExitCode, UsageError, WattringError } from '../../core/index.ts';

export const INSTALL_HINT =
  'No WebGPU adapter found. On Debian/Ubuntu without a GPU, install the software Vulkan driver with ' +
  '`bash scripts/setup-webgpu.sh` (Mesa lavapipe >= 24; on Debian 12 it comes from bookworm-backports). ' +
  'On macOS the Metal adapter needs no set-up.';

export class NoAdapterError extends WattringError {
  constructor(detail: string) {
    super('GPU_NO_ADAPTER', `${detail}. ${INSTALL_HINT}`, { exitCode: ExitCode.environment });
  }
}

export class ShaderCompileError extends WattringError {
  constructor(shader: string, messages: string) {
    super('GPU_SHADER_COMPILE', `shaders/${shader}.wgsl failed to compile:\n${messages}`);
  }
}

/** Shapes that do not fit together, or exceed an adapter limit: the message names both. */
export class ShapeError extends UsageError {
  constructor(message: string) {
    super('GPU_SHAPE', message);
  }
}

export class MissingFeatureError extends WattringError {
  constructor(feature: string, what: string) {
    super('GPU_MISSING_FEATURE', `${what} needs the WebGPU feature '${feature}', which this adapter lacks`, {
      exitCode: ExitCode.environment,
    });
  }
}
