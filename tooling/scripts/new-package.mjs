// Scaffolds packages/<name> with the workspace conventions: ESM only, exports with types first,
// sideEffects false, files, tfjs-core as a peer dependency. Usage: node tooling/scripts/new-package.mjs name "description" dep1 dep2
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, description, ...deps] = process.argv.slice(2);
if (!name || !description) throw new Error('usage: new-package.mjs <name> <description> [internal deps...]');
const dir = join('packages', name);
if (existsSync(join(dir, 'package.json'))) throw new Error(`${dir} exists`);
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name: `@steadygrad/${name}`,
  version: '0.1.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'README.md', 'LICENSE', 'CHANGELOG.md'],
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    test: 'vitest run',
  },
  dependencies: Object.fromEntries(deps.map((d) => [`@steadygrad/${d}`, 'workspace:^'])),
  peerDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
  devDependencies: {
    '@steadygrad/tsconfig': 'workspace:*',
    '@steadygrad/vitest-config': 'workspace:*',
    '@tensorflow/tfjs-backend-cpu': '4.22.0',
    '@tensorflow/tfjs-core': '4.22.0',
    vitest: '3.2.4',
  },
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(dir, 'tsconfig.json'),
  `${JSON.stringify({ extends: '../../tooling/tsconfig/base.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] }, null, 2)}\n`,
);
writeFileSync(
  join(dir, 'tsconfig.build.json'),
  `${JSON.stringify({ extends: './tsconfig.json', exclude: ['src/**/*.test.ts', 'src/test-utils/**'] }, null, 2)}\n`,
);
writeFileSync(
  join(dir, 'vitest.config.ts'),
  "import { steadygradVitest } from '@steadygrad/vitest-config';\n\nexport default steadygradVitest();\n",
);
console.log(`created ${dir}`);
