import { checkNumber, optionKeys } from '@steadygrad/core';
import { formatShape, type Shape } from './layer.js';

/** One row of {@link ModelSummary}. */
export interface LayerSummary {
  readonly name: string;
  readonly className: string;
  /** The layer's output shape (of its first call, for a layer called at several places). */
  readonly outputShape: Shape;
  /** True for a layer called at several places with different output shapes (Keras prints `multiple`). */
  readonly multiple?: boolean;
  readonly params: number;
  readonly trainableParams: number;
  /** Functional models: the tensors this layer is called on, `layer[node][output]` as Keras writes them. */
  readonly connectedTo?: readonly string[];
}

/** What `summary()` returns (and prints as a Keras-style table). */
export interface ModelSummary {
  readonly name: string;
  readonly layers: readonly LayerSummary[];
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
}

/** Options of `summary()`. */
export interface SummaryOptions {
  /** Where each line goes (default `console.log`). */
  readonly print?: (line: string) => void;
  /** Table width in characters (default 65 for a `Sequential`, 98 with the "Connected to" column, as Keras 2). */
  readonly lineLength?: number;
}

export const SUMMARY_KEYS = optionKeys<SummaryOptions>()(['print', 'lineLength']);

/** `value` with two decimals, ties to even like Python's `'{:.2f}'` (6.125 → `6.12`; JS `toFixed` gives 6.13). */
function fixed2(value: number): string {
  const scaled = value * 100;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const rounded = diff === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled);
  return (rounded / 100).toFixed(2);
}

/** Keras' `readable_memory_size` for float32 parameters: `1.02 MB`, `0.00 Byte`. */
function readableSize(params: number): string {
  let size = params * 4;
  for (const unit of ['Byte', 'KB', 'MB', 'GB', 'TB']) {
    if (size / 1024 < 1) return `${fixed2(size)} ${unit}`;
    size /= 1024;
  }
  return `${fixed2(size)} PB`;
}

/**
 * One table row, wrapped over several lines when a field is too long, exactly as Keras 2.13+'s
 * `print_row` (each column keeps 2 spaces of separation; the first is indented by one space; a line breaks
 * early after the first `),`, `},`, `],` or `',` that fits, so a list of connections wraps between items).
 */
function tableRow(fields: readonly string[], positions: readonly number[]): string[] {
  const left = [...fields];
  const lines: string[] = [];
  while (left.some((f) => f.length > 0)) {
    let line = '';
    for (let col = 0; col < left.length; col++) {
      const start = col > 0 ? (positions[col - 1] as number) : 0;
      const end = positions[col] as number;
      const last = col === positions.length - 1;
      const space = last ? 0 : 2;
      let cutoff = end - start - space - (last ? 0 : 1);
      const text = left[col] as string;
      const fit = text.slice(0, cutoff);
      const breaks = ['),', '},', '],', "',"]
        .filter((b) => fit.includes(b))
        .map((b) => fit.indexOf(b) + b.length);
      if (breaks.length > 0) cutoff = Math.min(...breaks);
      if (col === 0) line += ' ';
      line += text.slice(0, cutoff);
      line += ' '.repeat(space);
      left[col] = text.slice(cutoff);
      line += ' '.repeat(Math.max(0, end - line.length));
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Prints a Keras 2-style summary table (`Layer (type) | Output Shape | Param #`, plus `Connected to` when
 * `connections` is set, 98 characters wide at 30/60/70 % as Keras 2's functional summary, then total / trainable / non-trainable counts) through `options.print`, and returns
 * the same information.
 */
export function printSummary(
  name: string,
  layers: readonly LayerSummary[],
  options: SummaryOptions,
  connections: boolean,
): ModelSummary {
  const { print = console.log, lineLength = connections ? 98 : 65 } = options;
  checkNumber('lineLength', lineLength, { min: 40, integer: true });
  const totalParams = layers.reduce((n, l) => n + l.params, 0);
  const trainableParams = layers.reduce((n, l) => n + l.trainableParams, 0);
  const nonTrainableParams = totalParams - trainableParams;
  const fractions = connections ? [0.3, 0.6, 0.7, 1] : [0.45, 0.85, 1];
  const positions = fractions.map((f) => Math.floor(lineLength * f));
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  print(`Model: "${name}"`);
  print('_'.repeat(lineLength));
  for (const line of tableRow(connections ? [...header, 'Connected to'] : header, positions)) print(line);
  print('='.repeat(lineLength));
  for (const l of layers) {
    const shape = l.multiple === true ? 'multiple' : formatShape(l.outputShape);
    const row = [`${l.name} (${l.className})`, shape, String(l.params)];
    // Keras 2 prints the connections as a Python list: ['x[0][0]', 'hidden[0][0]'].
    if (connections) row.push(`[${(l.connectedTo ?? []).map((c) => `'${c}'`).join(', ')}]`);
    for (const line of tableRow(row, positions)) print(line);
    print(' '.repeat(lineLength));
  }
  print('='.repeat(lineLength));
  print(`Total params: ${totalParams} (${readableSize(totalParams)})`);
  print(`Trainable params: ${trainableParams} (${readableSize(trainableParams)})`);
  print(`Non-trainable params: ${nonTrainableParams} (${readableSize(nonTrainableParams)})`);
  print('_'.repeat(lineLength));
  return { name, layers, totalParams, trainableParams, nonTrainableParams };
}
