// Runs the report's experiments: each one is a child process of the demo CLI with `--json` (isolation: its own
// memory and backend; a crash fails that experiment only), whose last stdout line is the result. Up to `jobs`
// run at once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunSpec } from './cache.js';

/** The demo CLI this package built (dist/cli.js beside dist/report/). */
export const DEMO_CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

/** The flags a run passes to the demo CLI: the experiment, `--json`, its profile, then its own flags. */
export function cliArguments(spec: RunSpec): string[] {
  return [spec.experiment, '--json', '--profile', spec.profile, ...spec.args];
}

/** How a run ended. */
export type RunOutcome =
  | { readonly ok: true; readonly result: unknown; readonly seconds: number }
  | { readonly ok: false; readonly error: string; readonly seconds: number };

/** Where and how {@link runExperiment} starts the CLI (tests point it at a stand-in script). */
export interface RunnerOptions {
  /** The script run with this Node (default {@link DEMO_CLI}). */
  readonly cli?: string;
  /**
   * Flags passed after the spec's that do not change results, so are not part of the cache key (e.g.
   * `--threads N`: the wasm backend splits large products over threads, bit for bit the same).
   */
  readonly extraArgs?: readonly string[];
  /** Lines of the child's stderr (its log), as they come. */
  readonly onLog?: (line: string) => void;
}

/** The last non-empty line of a text. */
export function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

/** Runs one experiment in a child process and parses its JSON line. Never throws: failures are outcomes. */
export function runExperiment(spec: RunSpec, options: RunnerOptions = {}): Promise<RunOutcome> {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 10) / 100;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [options.cli ?? DEMO_CLI, ...cliArguments(spec), ...(options.extraArgs ?? [])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-20000);
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.trim() !== '') options.onLog?.(l);
    });
    child.on('error', (e) =>
      resolve({ ok: false, error: `cannot start the demo CLI: ${e.message}`, seconds: seconds() }),
    );
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const tail = lastLine(stderr) || `(no output)`;
        resolve({
          ok: false,
          error: `'pnpm demo ${cliArguments(spec).join(' ')}' exited with ${signal ?? `code ${code}`}: ${tail}`,
          seconds: seconds(),
        });
        return;
      }
      try {
        resolve({ ok: true, result: JSON.parse(lastLine(stdout)), seconds: seconds() });
      } catch (e) {
        resolve({
          ok: false,
          error: `the last output line is not JSON: ${(e as Error).message}`,
          seconds: seconds(),
        });
      }
    });
  });
}

/** Runs `tasks` with at most `jobs` at once; results in the tasks' order. */
export async function runPool<T>(tasks: readonly (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
  return results;
}
