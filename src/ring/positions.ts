// The pad-row marker of the attention block API (a u32 position no real row has), re-exported so
// layouts and the kernels agree on it.
export { PAD_POSITION } from '../kernels/index.ts';
