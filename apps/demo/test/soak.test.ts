// The short soak of issue 12, in CI: the built soak CLI trains the seed cell 5 model for a few epochs on a
// slice of the real Fashion-MNIST, on wasm and on cpu; tensors and backend bytes must not grow after epoch 1.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('soak (short)', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: zero tensor and byte growth after the first epoch`, () => {
      const limit = backend === 'cpu' ? '640' : '3200';
      const out = execFileSync(
        process.execPath,
        ['dist/soak.js', '--epochs', '3', '--backend', backend, '--limit', limit, '--json'],
        { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const result = JSON.parse(out.trim().split('\n').pop()!);
      expect(result.backend).toBe(backend);
      expect(result.epochs).toBe(3);
      expect(result.samples).toHaveLength(3);
      expect(result.tensorsGrowth).toBe(0);
      expect(result.bytesGrowth).toBe(0);
      expect(result.samples[0].numTensors).toBeGreaterThan(0);
    });
  }
});
