// @steadygrad/schedules from its tarball: closed-form values of a few schedules.
import { cosineDecay, exponentialDecay, piecewiseConstant } from '@steadygrad/schedules';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
const exp = exponentialDecay({ initialLearningRate: 0.01, decaySteps: 20, decayRate: 0.1 });
if (!close(exp(0), 0.01) || !close(exp(20), 0.001) || !close(exp(10), 0.01 * 0.1 ** 0.5))
  throw new Error('exponentialDecay');
const pc = piecewiseConstant({ boundaries: [10], values: [0.1, 0.01] });
if (pc(10) !== 0.1 || pc(11) !== 0.01) throw new Error(`piecewiseConstant: ${pc(10)}, ${pc(11)}`);
const cos = cosineDecay({ initialLearningRate: 1, decaySteps: 100 });
if (!close(cos(50), 0.5) || !close(cos(100), 0)) throw new Error(`cosineDecay: ${cos(50)}, ${cos(100)}`);
console.log('schedules: ok');
