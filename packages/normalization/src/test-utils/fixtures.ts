import { readFileSync } from 'node:fs';

export interface BatchNormCase {
  readonly shape: number[];
  readonly training: boolean;
  readonly momentum: number;
  readonly torchMomentum: number;
  readonly epsilon: number;
  readonly x: number[];
  readonly dy: number[];
  readonly gamma: number[];
  readonly beta: number[];
  readonly movingMean: number[];
  readonly movingVariance: number[];
  readonly y: number[];
  readonly dx: number[];
  readonly dgamma: number[];
  readonly dbeta: number[];
  readonly newMovingMean: number[];
  readonly newMovingVariance: number[];
  readonly torchRunningVariance?: number[] | null;
  readonly batchVarianceBiased?: number[];
  readonly count?: number;
}

export interface AffineCase {
  readonly shape: number[];
  readonly epsilon: number;
  readonly groups?: number;
  readonly x: number[];
  readonly dy: number[];
  readonly gamma: number[];
  readonly beta: number[];
  readonly y: number[];
  readonly dx: number[];
  readonly dgamma: number[];
  readonly dbeta: number[];
}

export interface RmsCase {
  readonly shape: number[];
  readonly epsilon: number;
  readonly x: number[];
  readonly dy: number[];
  readonly scale: number[];
  readonly y: number[];
  readonly dx: number[];
  readonly dscale: number[];
}

export interface TorchFixtures {
  readonly torch: string;
  readonly batchNormalization: BatchNormCase[];
  readonly layerNormalization: AffineCase[];
  readonly groupNormalization: AffineCase[];
  readonly rmsNormalization: RmsCase[];
}

/** The fixtures written by `tooling/fixtures/normalization-torch.py`. */
export function loadTorchFixtures(): TorchFixtures {
  return JSON.parse(
    readFileSync(new URL('../fixtures/torch.json', import.meta.url), 'utf8'),
  ) as TorchFixtures;
}
