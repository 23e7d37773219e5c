// Finds a pnpm to run: the pinned version on PATH, else installs it globally with npm, else runs it via npx.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
export const PNPM_VERSION = pkg.packageManager.replace(/^pnpm@/, '');

function version(cmd, args) {
  try {
    return execFileSync(cmd, [...args, '--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** @returns {{ cmd: string, args: string[] }} */
export function ensurePnpm({ install = true } = {}) {
  const v = version('pnpm', []);
  if (v?.startsWith('10.')) return { cmd: 'pnpm', args: [] };
  if (install) {
    console.log(`setup: installing pnpm@${PNPM_VERSION} with npm (global)`);
    const r = spawnSync('npm', ['install', '-g', `pnpm@${PNPM_VERSION}`], { stdio: 'inherit' });
    if (r.status === 0 && version('pnpm', []) !== undefined) return { cmd: 'pnpm', args: [] };
    console.log('setup: global install not possible; using npx');
  }
  return { cmd: 'npx', args: ['--yes', `pnpm@${PNPM_VERSION}`] };
}

/** Runs pnpm with inherited output; throws on failure. */
export function runPnpm(pnpm, args, options = {}) {
  const r = spawnSync(pnpm.cmd, [...pnpm.args, ...args], { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`pnpm ${args.join(' ')} failed with exit code ${r.status}`);
}
