import { describe, expect, it } from 'vitest';
import { computeFans } from './compute-fans.js';
import kerasConv from './fixtures/conv-fans-keras.json' with { type: 'json' };
import fixture from './fixtures/fans.json' with { type: 'json' };
import { getInitializer } from './get-initializer.js';
import {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
} from './named-schemes.js';
import { draw, expectSameValues } from './test-utils/draw.js';
import {
  K_SIGMA,
  normalMoments,
  sampleStats,
  tolerances,
  truncatedMoments,
  uniformMoments,
} from './test-utils/stats.js';
import { TRUNCATED_NORMAL_STD_RATIO } from './truncated-normal.js';
import { varianceScaling, varianceScalingStats } from './variance-scaling.js';

const SHAPE = [512, 256]; // Keras layout of PyTorch's [256, 512] fixture weight: fanIn 512, fanOut 256

const SCHEMES = [
  ['glorot_uniform', 1, 'fanAvg', 'uniform', 2 / (512 + 256), glorotUniform],
  ['glorot_normal', 1, 'fanAvg', 'truncatedNormal', 2 / (512 + 256), glorotNormal],
  ['he_normal', 2, 'fanIn', 'truncatedNormal', 2 / 512, heNormal],
  ['he_uniform', 2, 'fanIn', 'uniform', 2 / 512, heUniform],
  ['lecun_normal', 1, 'fanIn', 'truncatedNormal', 1 / 512, lecunNormal],
  ['lecun_uniform', 1, 'fanIn', 'uniform', 1 / 512, lecunUniform],
] as const;

describe('named variance-scaling schemes', () => {
  it.each(SCHEMES)(
    '%s = varianceScaling(scale %d, %s, %s), variance %d',
    (name, scale, mode, distribution, variance, make) => {
      const init = make();
      expect(init.name).toBe(name);
      expect(init.config).toEqual({ scale, mode, distribution });
      expect(varianceScalingStats(SHAPE, init.config).variance).toBeCloseTo(variance, 15);
      // Exactly the draws of the equivalent varianceScaling call.
      const values = draw(init, SHAPE, 11);
      expectSameValues(values, draw(varianceScaling({ scale, mode, distribution }), SHAPE, 11));
      const exact =
        distribution === 'uniform'
          ? uniformMoments(Math.sqrt(3 * variance))
          : truncatedMoments(Math.sqrt(variance) / TRUNCATED_NORMAL_STD_RATIO);
      const s = sampleStats(values);
      const tol = tolerances(exact, s.n);
      expect(Math.abs(s.mean)).toBeLessThan(tol.mean);
      expect(Math.abs(s.m2 - variance)).toBeLessThan(tol.m2);
    },
  );

  it('uniform limits are the closed forms sqrt(6/(fanIn+fanOut)), sqrt(6/fanIn), sqrt(3/fanIn)', () => {
    expect(varianceScalingStats(SHAPE, glorotUniform().config).bound).toBeCloseTo(Math.sqrt(6 / 768), 15);
    expect(varianceScalingStats(SHAPE, heUniform().config).bound).toBeCloseTo(Math.sqrt(6 / 512), 15);
    expect(varianceScalingStats(SHAPE, lecunUniform().config).bound).toBeCloseTo(Math.sqrt(3 / 512), 15);
  });
});

describe('against PyTorch 1.13 (tooling/fixtures/initializers-fans.py)', () => {
  const { named, namedShape } = fixture;
  const n = namedShape.n;

  it('the fixture weight is the same layer as SHAPE', () => {
    expect([namedShape.fanIn, namedShape.fanOut, n]).toEqual([SHAPE[0], SHAPE[1], SHAPE[0]! * SHAPE[1]!]);
  });

  it('the Keras constant is the std of N(0,1) truncated to ±2 (closed form and a torch.trunc_normal_ draw)', () => {
    const r = fixture.truncatedNormalStdRatio;
    expect(r.closedForm).toBeCloseTo(TRUNCATED_NORMAL_STD_RATIO, 15);
    // Standard error of a sample std: σ·sqrt((κ − 1) / (4n)), κ = kurtosis of the truncated normal.
    const t = truncatedMoments(1);
    const kurtosis = t.m4 / t.m2 ** 2;
    const se = TRUNCATED_NORMAL_STD_RATIO * Math.sqrt((kurtosis - 1) / (4 * r.n));
    expect(Math.abs(r.sampleStd - TRUNCATED_NORMAL_STD_RATIO)).toBeLessThan(K_SIGMA * se);
    expect(r.sampleMaxAbs).toBeLessThanOrEqual(2);
  });

  it('xavier_uniform_ and kaiming_uniform_ (a=0) use our glorot_uniform / he_uniform limits', () => {
    const glorotLimit = varianceScalingStats(SHAPE, glorotUniform().config).bound;
    const heLimit = varianceScalingStats(SHAPE, heUniform().config).bound;
    for (const [draws, limit] of [
      [named.xavier_uniform, glorotLimit],
      [named.kaiming_uniform, heLimit],
    ] as const) {
      expect(draws.maxAbs).toBeLessThanOrEqual(limit * (1 + 1e-12));
      expect(draws.maxAbs).toBeGreaterThan(limit * (1 - 20 / n)); // (1 − 20/n)^n ≈ e^−20
      const u = uniformMoments(limit);
      const seStd = Math.sqrt(u.m2) * Math.sqrt((u.m4 / u.m2 ** 2 - 1) / (4 * n));
      expect(Math.abs(draws.std - Math.sqrt(u.m2))).toBeLessThan(K_SIGMA * seStd);
    }
  });

  it("kaiming_normal_ has our he_normal variance 2/fanIn but is untruncated (PyTorch's default differs from Keras)", () => {
    const sigma = Math.sqrt(2 / 512);
    const m = normalMoments(sigma);
    const seStd = sigma * Math.sqrt((3 - 1) / (4 * n));
    expect(Math.abs(named.kaiming_normal.std - sigma)).toBeLessThan(K_SIGMA * seStd);
    // Our he_normal never exceeds 2σ' = 2σ/0.8796; PyTorch's does.
    const heBound = varianceScalingStats(SHAPE, heNormal().config).bound;
    expect(heBound).toBeCloseTo((2 * sigma) / TRUNCATED_NORMAL_STD_RATIO, 15);
    expect(named.kaiming_normal.maxAbs).toBeGreaterThan(heBound);
    expect(m.m2).toBeCloseTo(2 / 512, 15);
    // The same PyTorch draw is available here as varianceScaling({ scale: 2, distribution: 'untruncatedNormal' }).
    expect(
      varianceScalingStats(SHAPE, { scale: 2, distribution: 'untruncatedNormal' }).parameter,
    ).toBeCloseTo(sigma, 15);
  });

  it("nn.Linear's default kaiming_uniform_(a=√5) is U(±1/sqrt(fanIn)), i.e. varianceScaling scale 1/3 uniform", () => {
    const limit = varianceScalingStats(SHAPE, { scale: 1 / 3, mode: 'fanIn', distribution: 'uniform' }).bound;
    expect(limit).toBeCloseTo(1 / Math.sqrt(512), 15);
    expect(named.linear_default.maxAbs).toBeLessThanOrEqual(limit * (1 + 1e-12));
    expect(named.linear_default.maxAbs).toBeGreaterThan(limit * (1 - 20 / n));
  });

  it('xavier_normal_ has our glorot_normal variance but is untruncated', () => {
    const sigma = Math.sqrt(2 / 768);
    expect(Math.abs(named.xavier_normal.std - sigma)).toBeLessThan(K_SIGMA * sigma * Math.sqrt(2 / (4 * n)));
    expect(named.xavier_normal.maxAbs).toBeGreaterThan(
      varianceScalingStats(SHAPE, glorotNormal().config).bound,
    );
  });

  it('gains: calculate_gain("relu")² = 2 (He scale), linear/sigmoid 1 (Glorot/LeCun scale)', () => {
    expect(fixture.gains.relu ** 2).toBeCloseTo(heUniform().config.scale as number, 12);
    expect(fixture.gains.linear ** 2).toBe(lecunNormal().config.scale);
    expect(fixture.gains.sigmoid ** 2).toBe(glorotUniform().config.scale);
  });
});

// Keras 3 itself on convolution kernels (tooling/fixtures/initializers-conv-keras.py): its compute_fans, and
// the std its He/Glorot/LeCun formulas target, which a draw of ours must hit.
describe.each(kerasConv.cases)('$label kernel $shape, against Keras 3', (c) => {
  it("computeFans gives Keras's fans (receptive field × channels)", () => {
    expect(computeFans(c.shape)).toEqual({ fanIn: c.fanIn, fanOut: c.fanOut });
  });

  it.each(c.initializers)("$name draws with Keras's std", (k) => {
    const values = draw(getInitializer(k.name), c.shape, 17);
    let sum = 0;
    let sq = 0;
    let maxAbs = 0;
    for (const v of values) {
      sum += v;
      sq += v * v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    const n = values.length;
    const std = Math.sqrt(sq / n - (sum / n) ** 2);
    // Five standard errors of a sample std (≈ σ/√(2n)); Keras's own draw must pass the same bar.
    const tolerance = (5 * k.targetStd) / Math.sqrt(2 * n);
    expect(Math.abs(std - k.targetStd)).toBeLessThan(tolerance);
    expect(Math.abs(k.kerasSampleStd - k.targetStd)).toBeLessThan(tolerance);
    if (k.uniformLimit !== null) {
      expect(maxAbs).toBeLessThanOrEqual(k.uniformLimit * (1 + 1e-6));
      expect(maxAbs).toBeGreaterThan(k.uniformLimit * 0.98);
    } else {
      // Truncated at two standard deviations of the untruncated normal, as Keras.
      expect(maxAbs).toBeLessThanOrEqual((2 * k.targetStd) / 0.8796256610342398 + 1e-7);
      expect(k.kerasMaxAbs).toBeLessThanOrEqual((2 * k.targetStd) / 0.8796256610342398 + 1e-7);
    }
  });
});
