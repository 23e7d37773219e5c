import { SteadygradError } from '@steadygrad/core';
import { Activation, Add, Concatenate, Dense, Flatten, type Layer, Multiply } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { Dropout } from '@steadygrad/regularization';
import { convLayerFromKeras } from './conv-layers-json.js';
import type { KerasLayerJson } from './keras-format.js';
import {
  activationFromKeras,
  constraintFromKeras,
  initializerFromKeras,
  regularizerFromKeras,
} from './keras-objects.js';
import { SUPPORTED_LAYERS } from './to-layers-model.js';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function corrupt(message: string, details: Json = {}): SteadygradError {
  return new SteadygradError('CORRUPT_DATA', message, { details });
}

function num(
  where: string,
  config: Json,
  key: string,
  fallback: number,
  check: (v: number) => boolean,
  expected: string,
): number {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
    throw corrupt(`${where}: ${key} must be ${expected}, got ${JSON.stringify(v)}`, { where, key, value: v });
  }
  return v;
}

function bool(where: string, config: Json, key: string, fallback: boolean): boolean {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean')
    throw corrupt(`${where}: ${key} must be a boolean, got ${JSON.stringify(v)}`, { where, key, value: v });
  return v;
}

function checkDtype(where: string, config: Json): void {
  const d = config.dtype;
  if (d === undefined || d === null || d === 'float32') return;
  const policy = isObject(d) && isObject(d.config) ? d.config.name : undefined;
  if (policy === 'float32') return;
  throw new SteadygradError(
    'INCOMPATIBLE',
    `${where}: dtype ${JSON.stringify(d)} is not supported (steadygrad layers compute in float32)`,
    {
      details: { where, dtype: d },
    },
  );
}

export function makeLayer(entry: KerasLayerJson, where: string): Layer {
  const config = entry.config;
  const name = config.name as string;
  const trainable = bool(where, config, 'trainable', true);
  checkDtype(where, config);
  const base = { name, trainable };
  switch (entry.class_name) {
    case 'Dense': {
      const units = num(
        where,
        config,
        'units',
        Number.NaN,
        (v) => Number.isInteger(v) && v >= 1,
        'a positive integer',
      );
      if (Number.isNaN(units)) throw corrupt(`${where}: units is missing`, { where });
      const kernelInitializer = initializerFromKeras(config.kernel_initializer, where);
      const biasInitializer = initializerFromKeras(config.bias_initializer, where);
      return new Dense({
        ...base,
        units,
        activation: activationFromKeras(config.activation, where),
        useBias: bool(where, config, 'use_bias', true),
        ...(kernelInitializer ? { kernelInitializer } : {}),
        ...(biasInitializer ? { biasInitializer } : {}),
        kernelRegularizer: regularizerFromKeras(config.kernel_regularizer, where),
        biasRegularizer: regularizerFromKeras(config.bias_regularizer, where),
        activityRegularizer: regularizerFromKeras(config.activity_regularizer, where),
        kernelConstraint: constraintFromKeras(config.kernel_constraint, where),
        biasConstraint: constraintFromKeras(config.bias_constraint, where),
      });
    }
    case 'Flatten': {
      const df = config.data_format;
      if (df !== undefined && df !== null && df !== 'channels_last') {
        throw new SteadygradError(
          'INCOMPATIBLE',
          `${where}: data_format ${JSON.stringify(df)} is not supported (steadygrad's Flatten is channels_last)`,
          {
            details: { where },
          },
        );
      }
      return new Flatten(base);
    }
    case 'Activation':
      return new Activation({ ...base, activation: activationFromKeras(config.activation, where) });
    case 'BatchNormalization': {
      let axis = config.axis ?? -1;
      if (Array.isArray(axis) && axis.length === 1) axis = axis[0];
      if (typeof axis !== 'number' || !Number.isInteger(axis)) {
        throw new SteadygradError(
          'INCOMPATIBLE',
          `${where}: axis ${JSON.stringify(config.axis)} is not supported (one integer axis)`,
          { details: { where } },
        );
      }
      if (config.renorm === true) {
        throw new SteadygradError(
          'INCOMPATIBLE',
          `${where}: batch renormalization (renorm: true) is not supported`,
          { details: { where } },
        );
      }
      const inits = {
        betaInitializer: initializerFromKeras(config.beta_initializer, where),
        gammaInitializer: initializerFromKeras(config.gamma_initializer, where),
        movingMeanInitializer: initializerFromKeras(config.moving_mean_initializer, where),
        movingVarianceInitializer: initializerFromKeras(config.moving_variance_initializer, where),
      };
      return new BatchNormalization({
        ...base,
        axis,
        momentum: num(where, config, 'momentum', 0.99, (v) => v >= 0 && v < 1, 'in [0, 1)'),
        epsilon: num(where, config, 'epsilon', 1e-3, (v) => v >= 0, '>= 0'),
        center: bool(where, config, 'center', true),
        scale: bool(where, config, 'scale', true),
        ...Object.fromEntries(Object.entries(inits).filter(([, v]) => v !== undefined)),
        betaRegularizer: regularizerFromKeras(config.beta_regularizer, where),
        gammaRegularizer: regularizerFromKeras(config.gamma_regularizer, where),
        betaConstraint: constraintFromKeras(config.beta_constraint, where),
        gammaConstraint: constraintFromKeras(config.gamma_constraint, where),
      });
    }
    case 'Dropout': {
      const rate = num(where, config, 'rate', Number.NaN, (v) => v >= 0 && v < 1, 'in [0, 1)');
      if (Number.isNaN(rate)) throw corrupt(`${where}: rate is missing`, { where });
      const ns = config.noise_shape;
      if (
        ns !== undefined &&
        ns !== null &&
        (!Array.isArray(ns) || ns.some((d) => d !== null && (!Number.isInteger(d) || d < 1)))
      ) {
        throw corrupt(
          `${where}: noise_shape must be null or an array of positive integers/null, got ${JSON.stringify(ns)}`,
          { where },
        );
      }
      const seed = config.seed;
      return new Dropout({
        ...base,
        rate,
        ...(Array.isArray(ns) ? { noiseShape: ns as (number | null)[] } : {}),
        ...(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 ? { seed } : {}),
      });
    }
    case 'Add':
      return new Add(base);
    case 'Multiply':
      return new Multiply(base);
    case 'Concatenate': {
      const axis = num(where, config, 'axis', -1, (v) => Number.isInteger(v), 'an integer');
      return new Concatenate({ ...base, axis });
    }
    default: {
      const conv = convLayerFromKeras(entry, where, base);
      if (conv !== undefined) return conv;
      throw new SteadygradError(
        'INCOMPATIBLE',
        `${where}: unsupported layer class '${entry.class_name}'; supported: ${SUPPORTED_LAYERS.join(', ')} (and InputLayer first)`,
        { details: { where, className: entry.class_name, supported: SUPPORTED_LAYERS } },
      );
    }
  }
}

/** Every layer of a file, constructed (no tensor is allocated before a layer is built); all or nothing. */
export function makeLayers(entries: readonly KerasLayerJson[], source: string): Layer[] {
  const layers: Layer[] = [];
  try {
    for (const entry of entries)
      layers.push(makeLayer(entry, `${source}: layer '${String(entry.config.name)}' (${entry.class_name})`));
  } catch (e) {
    for (const l of layers) l.dispose();
    throw e;
  }
  return layers;
}
