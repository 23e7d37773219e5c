// Every package README has what a newcomer needs (issue #21): a pitch, an install line that installs everything
// its examples import (the package, the other steadygrad packages they use, the peer @tensorflow/tfjs-core and a
// backend), at least one runnable example, and a link to the API reference. And every relative link of the
// READMEs and the guides in docs/ points to a file (and a heading) that exists.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { publishablePackages, ROOT } from '../release/workspace.mjs';
import { extractExamples, isRunnable } from './readme-examples.mjs';

const BACKENDS = /@tensorflow\/tfjs-(backend-(wasm|webgl|cpu)|node|node-gpu)\b/;
const importsOf = (code) => [...code.matchAll(/['"](@steadygrad\/[a-z0-9-]+)['"]/g)].map((m) => m[1]);

/** The packages of the first `npm install` line of a ```sh block. */
function installLine(markdown) {
  const m = markdown.match(/```sh\n(?:[^\n]*\n)*?\s*npm install ([^\n#]+)/);
  return m ? m[1].trim().split(/\s+/) : undefined;
}

/** GitHub's anchor for a heading. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function headings(markdown) {
  const out = new Set();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    const h = !inFence && line.match(/^#{1,6}\s+(.*)$/);
    if (h) out.add(slug(h[1]));
  }
  return out;
}

test('slug follows GitHub', () => {
  assert.equal(slug('nn: Dense and batch normalization → Dense'), 'nn-dense-and-batch-normalization--dense');
  assert.equal(slug('`fit(x, y, options)` → `History`'), 'fitx-y-options--history');
  assert.equal(slug('API reference'), 'api-reference');
});

test('installLine reads the packages of the npm install line', () => {
  const md = '# a\n\n```sh\nnpm install @steadygrad/a @tensorflow/tfjs-core   # the peer\n```\n';
  assert.deepEqual(installLine(md), ['@steadygrad/a', '@tensorflow/tfjs-core']);
  assert.equal(installLine('no install here'), undefined);
});

for (const p of publishablePackages().filter((q) => !q.empty)) {
  test(`${p.name} README: pitch, install line, runnable example, API reference link`, () => {
    const md = readFileSync(join(p.path, 'README.md'), 'utf8');
    assert.match(
      md,
      new RegExp(`^# ${p.name.replace('/', '\\/')}\\n\\n\\S`),
      'a title, then the pitch paragraph',
    );
    const install = installLine(md);
    assert.ok(install, 'an ```sh block with `npm install …`');
    const examples = extractExamples(md).filter(isRunnable);
    assert.ok(examples.length >= 1, 'at least one runnable ```ts example');
    const needed = new Set([p.name, ...examples.flatMap((e) => importsOf(`${e.setup}\n${e.code}`))]);
    for (const name of needed) assert.ok(install.includes(name), `the install line lists ${name}`);
    assert.ok(
      install.includes('@tensorflow/tfjs-core'),
      'the install line lists the peer @tensorflow/tfjs-core',
    );
    assert.ok(
      install.some((n) => BACKENDS.test(n)),
      'the install line lists a backend',
    );
    assert.match(md, /\]\(\.\.\/\.\.\/docs\/README\.md#api-reference\)/, 'a link to the API reference');
    assert.ok(md.split('\n').length <= 120, `a README, not a manual: ${md.split('\n').length} lines (≤ 120)`);
  });
}

const markdownFiles = [
  join(ROOT, 'README.md'),
  join(ROOT, 'apps', 'demo', 'README.md'),
  ...publishablePackages().map((p) => join(p.path, 'README.md')),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f)),
].filter((f) => existsSync(f));

for (const file of markdownFiles) {
  test(`relative links of ${relative(ROOT, file)} resolve`, () => {
    const md = readFileSync(file, 'utf8')
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '');
    const broken = [];
    for (const [, target] of md.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split('#');
      const resolved = path === '' ? file : join(dirname(file), path);
      if (!existsSync(resolved)) {
        broken.push(`${target} (no such file)`);
        continue;
      }
      if (anchor === undefined) continue;
      const mdFile = statSync(resolved).isDirectory() ? join(resolved, 'README.md') : resolved;
      if (mdFile.endsWith('.md') && !headings(readFileSync(mdFile, 'utf8')).has(anchor))
        broken.push(`${target} (no heading #${anchor})`);
    }
    assert.deepEqual(broken, []);
  });
}
