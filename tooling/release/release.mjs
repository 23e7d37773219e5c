#!/usr/bin/env node
// `pnpm release` / `pnpm release:dry-run`: build, check, publish.
//   1. `pnpm build`;
//   2. check-changesets: for a real release no changeset may be pending (run `pnpm release:version` first —
//      `changeset version` + recording the released fingerprints); a dry run only reports them;
//   3. check-packages: file lists, publint, attw on every packed tarball;
//   4. the consumer test on those same tarballs;
//   5. `changeset publish` (publishes every package whose version is not on the registry yet, tags git), or
//      with --dry-run `pnpm publish --dry-run` in every package (packs and reports; publishes nothing).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePnpm, runPnpm } from '../scripts/pnpm.mjs';
import { publishablePackages, ROOT } from './workspace.mjs';

const dryRun = process.argv.includes('--dry-run');
const pnpm = ensurePnpm({ install: false });
const node = (script, args = []) => {
  const r = spawnSync(process.execPath, [join(ROOT, script), ...args], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status})`);
};

runPnpm(pnpm, ['run', 'build'], { cwd: ROOT });
const pending = readdirSync(join(ROOT, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
if (pending.length > 0 && !dryRun) {
  console.error(
    `release: ${pending.length} changeset(s) pending (${pending.join(', ')}): run \`pnpm release:version\` and commit first`,
  );
  process.exit(1);
}
if (pending.length > 0)
  console.log(
    `release (dry run): ${pending.length} changeset(s) pending; a real release needs \`pnpm release:version\` first`,
  );
node('tooling/release/check-changesets.mjs');
const packDir = mkdtempSync(join(tmpdir(), 'steadygrad-release-'));
try {
  node('tooling/release/check-packages.mjs', ['--pack-dir', packDir]);
  node('tooling/consumer/run.mjs', ['--pack-dir', packDir]);
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
if (dryRun) {
  for (const p of publishablePackages()) {
    if (p.empty) {
      console.log(`release (dry run): skip ${p.name} (exports nothing yet)`);
      continue;
    }
    runPnpm(pnpm, ['publish', '--dry-run', '--no-git-checks', '--access', 'public'], { cwd: p.path });
  }
  console.log('release (dry run): every package packed and checked; nothing was published');
} else {
  runPnpm(pnpm, ['exec', 'changeset', 'publish'], { cwd: ROOT });
}
