import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli-args.js';
import { experiments } from '../experiments/index.js';
import { didYouMean, editDistance, parseReportArgs, repositoryRoot } from './report-args.js';

const names = experiments.map((e) => e.name);
const parse = (...argv: string[]) => parseReportArgs(argv, names);
const usage = (argv: string[]) => {
  try {
    parse(...argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('report command line', () => {
  it('defaults: notebook profile, every experiment, one job, the repository’s docs/, cache and references', () => {
    const root = repositoryRoot();
    const o = parse();
    expect(o).toEqual({
      profile: 'notebook',
      only: names,
      seeds: undefined,
      backend: undefined,
      jobs: 1,
      threads: undefined,
      rerun: false,
      assemble: false,
      fallback: 'quick',
      out: join(root, 'docs'),
      cache: join(root, '.cache', 'report'),
      references: join(root, 'tooling', 'reference', 'keras'),
    });
  });

  it('--quick, --only, --seeds, --jobs, --assemble, --out', () => {
    const o = parse(
      '--quick',
      '--only',
      'resume,summary,resume',
      '--seeds',
      '3',
      '--jobs',
      '2',
      '--assemble',
      '--out',
      '/tmp/r',
    );
    expect(o.profile).toBe('quick');
    expect(o.only).toEqual(['resume', 'summary']);
    expect(o.seeds).toBe(3);
    expect(o.jobs).toBe(2);
    expect(o.assemble).toBe(true);
    expect(o.out).toBe('/tmp/r');
    expect(o.fallback).toBe('none');
  });

  it('--fallback: quick by default for a notebook report, none turns it off; never for a quick report', () => {
    expect(parse('--assemble').fallback).toBe('quick');
    expect(parse('--fallback', 'quick').fallback).toBe('quick');
    expect(parse('--fallback', 'none').fallback).toBe('none');
    expect(parse('--quick', '--fallback', 'none').fallback).toBe('none');
    expect(usage(['--fallback', 'notebook'])).toBe("--fallback must be 'quick' or 'none', got 'notebook'");
    expect(usage(['--quick', '--fallback', 'quick'])).toBe(
      '--fallback quick is for a notebook report; a --quick report has nothing to fall back to',
    );
  });

  it('an unknown experiment is a usage error with the closest name', () => {
    expect(usage(['--only', 'summary,trasnfer'])).toBe(
      `--only: unknown experiment 'trasnfer'; did you mean 'transfer'? (expected some of: ${names.join(', ')})`,
    );
    expect(usage(['--only', 'lrfinder'])).toContain("did you mean 'lr-finder'?");
    expect(usage(['--only', 'zzzzzzzz'])).toBe(
      `--only: unknown experiment 'zzzzzzzz' (expected some of: ${names.join(', ')})`,
    );
  });

  it('other mistakes are usage errors too', () => {
    expect(usage(['--seeds', '0'])).toBe('--seeds needs an integer >= 1, got 0');
    expect(usage(['--jobs', 'x'])).toBe("--jobs needs an integer from 1 to 64 in decimal digits, got 'x'");
    expect(usage(['--bogus'])).toMatch(/^Unknown option '--bogus'/);
    expect(usage(['bn'])).toBe('report takes no experiment names as arguments (use --only bn)');
    expect(usage(['--assemble', '--rerun'])).toBe(
      '--assemble runs nothing, so --rerun makes no sense with it',
    );
    expect(usage(['--backend', 'gpu'])).toMatch(/^--backend must be one of /);
  });

  it('edit distance and did-you-mean', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(didYouMean('bm', names)).toBe('bn');
    expect(didYouMean('mc', names)).toBe('mc-dropout');
    expect(didYouMean('qqqqq', names)).toBeUndefined();
  });
});
