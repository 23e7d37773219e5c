// Every package's main entry bundles for the browser with esbuild (`--bundle --platform=browser`, the
// conditions a browser bundler uses: "browser", "import", "default" — never "node") and pulls in no Node
// built-in and no terminal-only dependency. Runs on the built workspace (`pnpm build` first; npm test does).
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { test } from 'node:test';
import { build } from 'esbuild';
import { publishablePackages } from './workspace.mjs';

const NODE_ONLY = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
// Packages that only make sense in a terminal or that shim Node built-ins.
const TERMINAL_ONLY = /node_modules\/(cli-progress|events|readline|worker_threads)\//;

/** Bundles `export * from '<name>'` as a browser app would; returns esbuild's result (errors included). */
export async function browserBundle(pkg) {
  return build({
    stdin: { contents: `export * from '${pkg.name}';`, resolveDir: pkg.path, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  }).catch((e) => e);
}

for (const pkg of publishablePackages().filter((p) => !p.empty)) {
  test(`esbuild --platform=browser bundles ${pkg.name} with no Node built-in`, async () => {
    const r = await browserBundle(pkg);
    assert.deepEqual(
      (r.errors ?? []).map((e) => e.text),
      [],
      `${pkg.name} does not bundle for the browser`,
    );
    assert.deepEqual(
      (r.warnings ?? []).map((w) => w.text),
      [],
    );
    const inputs = Object.keys(r.metafile.inputs);
    const imports = Object.values(r.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    assert.deepEqual(
      imports.filter((p) => NODE_ONLY.has(p)),
      [],
      'a Node built-in is imported',
    );
    assert.deepEqual(
      inputs.filter((p) => TERMINAL_ONLY.test(p)),
      [],
      'a terminal-only package is bundled',
    );
    // The package's own code is in the bundle (the entry resolved to real files, not to nothing).
    assert.ok(
      inputs.some((p) => p.includes(`packages/${pkg.dir}/dist/`)),
      `${pkg.name}'s dist is not in the bundle`,
    );
  });
}
