// Issue 21 (names and options) and issue 20 item 8 (silent acceptance of unknown options): one loop over every
// public options type and every name registry. An options type's allowed keys are read back from the
// UNKNOWN_OPTION error it raises (so the test does not repeat the lists); each key's Keras snake_case and
// lowercase spellings must be rejected with a "did you mean" naming that key. Every name of every registry must
// resolve in Keras's snake_case and in tfjs-layers' camelCase; a near miss must say "did you mean". A scan of
// the packages' sources fails the test when an exported `…Options` interface is neither covered nor exempted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVATION_NAMES, getActivation } from '@steadygrad/activations';
import {
  isSteadygradError,
  registerGradients,
  type SteadygradError,
  tf,
  toCamelCase,
  toSnakeCase,
} from '@steadygrad/core';
import { getInitializer, INITIALIZER_NAMES } from '@steadygrad/initializers';
import { Dense } from '@steadygrad/nn';
import { adam, sgd } from '@steadygrad/optim';
import {
  CONSTRAINT_NAMES,
  getConstraint,
  getRegularizer,
  REGULARIZER_NAMES,
} from '@steadygrad/regularization';
import { getLoss, LOSS_NAMES, METRIC_NAMES, resolveMetricName } from '@steadygrad/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXEMPT, fitWith, OPTION_TYPES, type Options, smallModel } from './option-types.js';

beforeAll(() => registerGradients());
/** Exported `…Options` interfaces of every package (the transfer package is covered by its own tests). */
function exportedOptionTypes(): string[] {
  const root = new URL('../../../packages/', import.meta.url).pathname;
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'test-utils' && entry !== 'fixtures' && entry !== 'generated') walk(path);
      } else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts') && !entry.endsWith('.d.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/export (?:interface|type) (\w+Options)\b/g)) {
          found.add(m[1] as string);
        }
      }
    }
  };
  for (const pkg of readdirSync(root)) {
    if (pkg !== 'transfer' && statSync(join(root, pkg, 'src'), { throwIfNoEntry: false })?.isDirectory()) {
      walk(join(root, pkg, 'src'));
    }
  }
  return [...found].sort();
}

async function errorOf(f: () => unknown): Promise<SteadygradError | undefined> {
  try {
    await f();
  } catch (e) {
    if (isSteadygradError(e)) return e;
    throw e;
  }
  return undefined;
}

describe('every public options type rejects unknown keys with a did-you-mean', () => {
  it('covers every exported options interface (or says why not)', () => {
    const missing = exportedOptionTypes().filter((t) => !(t in OPTION_TYPES) && !(t in EXEMPT));
    expect(missing).toEqual([]);
  });

  for (const [type, call] of Object.entries(OPTION_TYPES)) {
    it(`${type}: every key's snake_case and lowercase spellings name the key`, async () => {
      const unknown = await errorOf(() => call({ zzNotAnOptionZz: 1 }));
      expect(unknown?.code, `${type} accepted an unknown key`).toBe('UNKNOWN_OPTION');
      const allowed = unknown?.details.allowed as readonly string[];
      expect(allowed.length).toBeGreaterThan(0);
      for (const key of allowed) {
        const spellings = new Set([toSnakeCase(key), key.toLowerCase()]);
        spellings.delete(key);
        for (const wrong of spellings) {
          if (allowed.some((k) => k !== key && (k === wrong || k.toLowerCase() === wrong.toLowerCase())))
            continue;
          const e = await errorOf(() => call({ [wrong]: 1 }));
          expect(e?.code, `${type}: '${wrong}'`).toBe('UNKNOWN_OPTION');
          expect(e?.message).toContain(`unknown option '${wrong}'. Did you mean '${key}'?`);
        }
      }
    });
  }
});

describe('issue 20 item 8: unknown option keys were silently ignored', () => {
  const cases: [string, () => unknown, string][] = [
    [
      'sgd({ lr: 0.5 })',
      () => sgd({ lr: 0.5 } as Options),
      "sgd: unknown option 'lr'. Did you mean 'learningRate'?",
    ],
    [
      'sgd({ learning_rate: 0.5 })',
      () => sgd({ learning_rate: 0.5 } as Options),
      "sgd: unknown option 'learning_rate'. Did you mean 'learningRate'?",
    ],
    [
      'sgd({ clipvalue: 1 })',
      () => sgd({ clipvalue: 1 } as Options),
      "sgd: unknown option 'clipvalue'. Did you mean 'clipValue'?",
    ],
    ['fit({ epoch: 3 })', () => fitWith({ epoch: 3 }), "fit: unknown option 'epoch'. Did you mean 'epochs'?"],
    [
      'adam({ global_clipnorm: 1 })',
      () => adam({ global_clipnorm: 1 } as Options),
      "adam: unknown option 'global_clipnorm'. Did you mean 'globalClipNorm'?",
    ],
    [
      "Dense({ kernel_initializer: 'he_normal' })",
      () => new Dense({ units: 1, kernel_initializer: 'he_normal' } as never),
      "Dense: unknown option 'kernel_initializer'. Did you mean 'kernelInitializer'?",
    ],
  ];
  for (const [name, run, message] of cases) {
    it(`${name} is UNKNOWN_OPTION and changes nothing`, async () => {
      const model = smallModel();
      model.build();
      const weights = model.parameters.map((p) => Array.from(p.variable.dataSync()));
      const before = tf.memory().numTensors;
      const e = await errorOf(run);
      expect(e?.code).toBe('UNKNOWN_OPTION');
      expect(e?.message).toBe(message);
      expect(model.parameters.map((p) => Array.from(p.variable.dataSync()))).toEqual(weights);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }
});

/** Every name registry: its canonical names and how to resolve one to something comparable. */
const REGISTRIES: Readonly<Record<string, { names: readonly string[]; resolve: (name: string) => string }>> =
  {
    loss: {
      names: LOSS_NAMES,
      resolve: (n) => (getLoss(n as never) as unknown as { lossName: string }).lossName,
    },
    metric: { names: METRIC_NAMES, resolve: (n) => resolveMetricName(n) },
    initializer: { names: INITIALIZER_NAMES, resolve: (n) => getInitializer(n as never).name },
    activation: { names: ACTIVATION_NAMES, resolve: (n) => getActivation(n as never).name },
    constraint: { names: CONSTRAINT_NAMES, resolve: (n) => getConstraint(n as never).name },
    regularizer: { names: REGULARIZER_NAMES, resolve: (n) => getRegularizer(n as never).name },
  };

describe('every name registry takes snake_case and camelCase and says did-you-mean', () => {
  for (const [kind, { names, resolve }] of Object.entries(REGISTRIES)) {
    it(`${kind}: ${names.length} names`, async () => {
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        const canonical = resolve(name);
        expect(resolve(toCamelCase(name)), `${kind} '${toCamelCase(name)}'`).toBe(canonical);
        const typo = `${name}x`;
        const e = await errorOf(() => resolve(typo));
        expect(e?.code, `${kind} '${typo}'`).toBe('UNKNOWN_NAME');
        expect(e?.message).toContain(`unknown ${kind} "${typo}". Did you mean '${name}'?`);
      }
    });
  }
});
