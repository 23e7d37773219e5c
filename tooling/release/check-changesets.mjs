#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// CI check: every publishable package whose published content changed since its last release has a pending
// changeset. Works on a fresh clone where `main` is the only branch (no merge base needed):
//
//   * tooling/release/released.json records, per package, the version last produced by `changeset version`
//     and a SHA-256 "content fingerprint" of what that version publishes: src/** without tests, test
//     utilities and fixtures; README.md; LICENSE; package.json without `version`, `scripts` and
//     `devDependencies`. (Tests and dev tooling changes need no changeset.)
//   * A package whose fingerprint differs from the record (or that has no record: never released) must be
//     named in the front matter of a pending `.changeset/*.md`. Packages whose src/index.ts exports nothing
//     yet are skipped.
//   * A package whose version differs from the record was just versioned: run
//     `node tooling/release/check-changesets.mjs --record` (the `release:version` script does it right after
//     `changeset version`) so the record matches what will be published.
//   * Every changeset must name existing, non-ignored packages with a bump of patch, minor or major (an empty
//     changeset, `---\n---`, names none: it records a change that releases nothing).
//   * With `--since <ref>` (or $CHANGESET_SINCE), `changeset status --since=<ref>` runs too — the git-based
//     check for branches and pull requests.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { publishablePackages, ROOT } from './workspace.mjs';

export const RECORD = join(ROOT, 'tooling', 'release', 'released.json');
const CHANGESET_DIR = join(ROOT, '.changeset');

/** Whether a package file belongs to its published content (and so needs a changeset when it changes). */
export function isPublishedSource(rel) {
  if (rel === 'README.md' || rel === 'LICENSE' || rel === 'package.json') return true;
  if (!rel.startsWith('src/')) return false;
  if (/\.test\.[cm]?[jt]sx?$/.test(rel)) return false;
  if (/(^|\/)(test-utils|fixtures|__snapshots__)\//.test(rel)) return false;
  return true;
}

function listFiles(pkgPath) {
  const r = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '--', '.'], {
    cwd: pkgPath,
    encoding: 'utf8',
  });
  if (r.status === 0) return r.stdout.split('\n').filter((f) => f && existsSync(join(pkgPath, f)));
  // Not a git checkout: walk the tree.
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'dist', '.turbo'].includes(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(pkgPath, p));
    }
  };
  walk(pkgPath);
  return out;
}

/** SHA-256 over the package's published sources (sorted paths + contents; package.json normalized). */
export function fingerprint(pkgPath) {
  const h = createHash('sha256');
  const files = listFiles(pkgPath)
    .map((f) => f.split('\\').join('/'))
    .filter(isPublishedSource)
    .sort();
  for (const f of files) {
    let content = readFileSync(join(pkgPath, f));
    if (f === 'package.json') {
      const { version: _v, scripts: _s, devDependencies: _d, ...rest } = JSON.parse(content.toString('utf8'));
      content = Buffer.from(JSON.stringify(rest));
    }
    h.update(`${f}\0${content.length}\0`);
    h.update(content);
  }
  return h.digest('hex');
}

/**
 * Parses a changeset's front matter: `{ "@scope/name": "minor", ... }`; `{}` for an empty changeset
 * (`---\n---`, what `changeset --empty` writes: a change, e.g. to the private demo, that releases nothing).
 */
export function parseChangeset(text, file = 'changeset') {
  const m = text.match(/^---\r?\n(?:([\s\S]*?)\r?\n)?---/);
  if (!m)
    throw new Error(
      `${file}: no front matter (expected ---\\n"@steadygrad/<name>": patch|minor|major\\n---)`,
    );
  const bumps = {};
  for (const line of (m[1] ?? '').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const l = line.match(/^\s*["']?([^"':]+)["']?\s*:\s*(\S+)\s*$/);
    if (!l) throw new Error(`${file}: cannot read front matter line '${line}'`);
    bumps[l[1]] = l[2];
  }
  return bumps;
}

export function pendingChangesets() {
  return readdirSync(CHANGESET_DIR)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((f) => ({
      file: `.changeset/${f}`,
      bumps: parseChangeset(readFileSync(join(CHANGESET_DIR, f), 'utf8'), `.changeset/${f}`),
    }));
}

export function readRecord() {
  return existsSync(RECORD) ? JSON.parse(readFileSync(RECORD, 'utf8')) : {};
}

/** Pure decision (exported for tests). */
export function evaluate({ packages, record, changesets, ignored = [] }) {
  const problems = [];
  const notes = [];
  const known = new Set(packages.map((p) => p.name));
  const covered = new Map();
  for (const c of changesets) {
    for (const [name, bump] of Object.entries(c.bumps)) {
      if (!known.has(name))
        problems.push(`${c.file} names '${name}', which is not a publishable workspace package`);
      else if (ignored.includes(name))
        problems.push(`${c.file} names '${name}', which .changeset/config.json ignores`);
      if (!['patch', 'minor', 'major'].includes(bump))
        problems.push(`${c.file}: bump for ${name} is '${bump}', expected patch, minor or major`);
      covered.set(name, [...(covered.get(name) ?? []), c.file]);
    }
  }
  for (const p of packages) {
    if (p.empty) {
      notes.push(`${p.name}: skipped (src/index.ts exports nothing yet)`);
      continue;
    }
    const rec = record[p.name];
    if (rec && rec.version !== p.version) {
      problems.push(
        `${p.name} is at ${p.version} but tooling/release/released.json records ${rec.version}: after \`changeset version\` run \`node tooling/release/check-changesets.mjs --record\` (or use \`pnpm release:version\`)`,
      );
      continue;
    }
    const changed = !rec || rec.hash !== p.hash;
    const files = covered.get(p.name);
    if (!rec && !files && p.versionedInChangelog) {
      problems.push(
        `${p.name} ${p.version} has a CHANGELOG entry (changeset version ran) but tooling/release/released.json has no fingerprint for it: run \`node tooling/release/check-changesets.mjs --record\` (or use \`pnpm release:version\`)`,
      );
      continue;
    }
    if (changed && !files) {
      problems.push(
        rec
          ? `${p.name} changed since ${rec.version} was released but no .changeset/*.md names it: run \`pnpm changeset\``
          : `${p.name} has never been released and no .changeset/*.md names it: run \`pnpm changeset\``,
      );
    } else if (changed) notes.push(`${p.name}: changed, covered by ${files.join(', ')}`);
    else notes.push(`${p.name}: unchanged since ${rec.version}`);
  }
  return { problems, notes };
}

function current() {
  return publishablePackages().map((p) => {
    const changelog = join(p.path, 'CHANGELOG.md');
    const versionedInChangelog =
      existsSync(changelog) && readFileSync(changelog, 'utf8').split('\n').includes(`## ${p.version}`);
    return {
      name: p.name,
      version: p.version,
      empty: p.empty,
      path: p.path,
      hash: fingerprint(p.path),
      versionedInChangelog,
    };
  });
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--record')) {
    const record = {};
    for (const p of current()) if (!p.empty) record[p.name] = { version: p.version, hash: p.hash };
    writeFileSync(RECORD, `${JSON.stringify(record, null, 2)}\n`);
    console.log(
      `check-changesets: recorded ${Object.keys(record).length} package fingerprints in ${relative(ROOT, RECORD)}`,
    );
    return;
  }
  const config = JSON.parse(readFileSync(join(CHANGESET_DIR, 'config.json'), 'utf8'));
  let problems;
  let notes;
  try {
    ({ problems, notes } = evaluate({
      packages: current(),
      record: readRecord(),
      changesets: pendingChangesets(),
      ignored: config.ignore ?? [],
    }));
  } catch (e) {
    problems = [e.message];
    notes = [];
  }
  for (const n of notes) console.log(`  ${n}`);
  const sinceIdx = args.indexOf('--since');
  const since = sinceIdx >= 0 ? args[sinceIdx + 1] : process.env.CHANGESET_SINCE;
  if (since) {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'changeset'), ['status', `--since=${since}`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) problems.push(`changeset status --since=${since} failed:\n${r.stdout}${r.stderr}`);
    else console.log(`  changeset status --since=${since}: ok`);
  }
  for (const p of problems) console.error(`  FAIL ${p}`);
  console.log(`check-changesets: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`}`);
  process.exit(problems.length === 0 ? 0 : 1);
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
