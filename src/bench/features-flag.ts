// `--features`, shared by every command that opens a WebGPU device: optional device features by
// name, with the Dawn toggles they need (src/kernels/runtime/features.ts).
import { parseFeatures, REQUESTABLE_FEATURES, type AdapterChoice, type RequestedFeature } from '../kernels/index.ts';

export const FEATURES_OPTION = {
  type: 'string',
  describe:
    `Ask the device for optional features where the adapter has them: ${REQUESTABLE_FEATURES.join(', ')} ` +
    '(comma-separated; enables the Dawn toggles they need, reports what it got; f16 adds the f16 kernel variants)',
} as const;

/** The AdapterChoice field for `--features` (nothing when the flag is absent or empty). */
export function featuresChoice(text: string | undefined): { features?: readonly RequestedFeature[] } {
  const features = parseFeatures(text, '--features');
  return features.length ? { features } : {};
}

/** The AdapterChoice of a command's --adapter, --backend and --features (each optional). */
export function adapterChoice(args: {
  readonly adapter?: string | undefined;
  readonly backend?: string | undefined;
  readonly features?: string | undefined;
}): { adapter?: AdapterChoice } {
  const choice: AdapterChoice = {
    ...(args.adapter ? { name: args.adapter } : {}),
    ...(args.backend ? { backend: args.backend } : {}),
    ...featuresChoice(args.features),
  };
  return Object.keys(choice).length ? { adapter: choice } : {};
}
