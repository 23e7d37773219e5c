// Where tfjs-backend-wasm finds its binaries in the built site: Vite emits them as assets (`?url`), and the
// backend is told their URLs before it initializes (it would otherwise look next to the bundle, by name).
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Points tfjs-backend-wasm at the binaries of this build. Call once per worker, before `useBackend('wasm')`. */
export function configureWasm(): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': new URL(wasmUrl, import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedUrl, import.meta.url).href,
  });
}
