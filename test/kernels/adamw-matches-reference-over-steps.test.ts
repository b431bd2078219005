// AdamW in place matches the f64 reference on every checked case of src/bench/kernels/adamw.case.ts:
// several steps with fresh gradients, one submit per step and all steps recorded into one encoder
// (each dispatch owns its uniform), and the quick case the gate times.
import cases from '../../src/bench/kernels/adamw.case.ts';
import { describeGpu } from '../support/gpu.ts';
import { checkCases } from './kernel-cases.ts';

describeGpu('adamw matches reference over steps', (gpu) => checkCases(gpu, cases));
