import { describe, expect, it } from 'vitest';
import { type BatchLogs, type Callback, CallbackList, History } from './callbacks.js';

describe('History', () => {
  it('records epoch indices and one series per key, padding late keys with NaN', () => {
    const h = new History();
    h.onEpochEnd(3, { loss: 1, accuracy: 0.5 });
    h.onEpochEnd(4, { loss: 0.5, accuracy: 0.75, lr: 0.1 });
    h.onEpochEnd(5, { loss: 0.25 });
    expect(h.epoch).toEqual([3, 4, 5]);
    expect(h.history.loss).toEqual([1, 0.5, 0.25]);
    expect(h.history.accuracy).toEqual([0.5, 0.75, Number.NaN]);
    expect(h.history.lr).toEqual([Number.NaN, 0.1, Number.NaN]);
  });
});

describe('CallbackList', () => {
  it('dispatches in order and awaits only asynchronous callbacks', async () => {
    const events: string[] = [];
    const a: Callback = {
      onEpochBegin: (e) => {
        events.push(`a:begin${e}`);
      },
      onBatchEnd: (b) => {
        events.push(`a:batch${b}`);
      },
    };
    const b: Callback = {
      onEpochBegin: async (e) => {
        await new Promise((r) => setTimeout(r, 5));
        events.push(`b:begin${e}`);
      },
      onBatchEnd: async (bt) => {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`b:batch${bt}`);
      },
    };
    const c: Callback = {
      onBatchEnd: (bt) => {
        events.push(`c:batch${bt}`);
      },
    };
    const list = new CallbackList([a, b, c]);
    expect(list.wantsBatchEnd).toBe(true);
    expect(list.wantsBatchBegin).toBe(false);
    await list.onEpochBegin(0, {});
    const logs = { batch: 0, size: 1 } as BatchLogs;
    const r = list.onBatchEnd(0, logs);
    expect(r).toBeInstanceOf(Promise);
    await r;
    expect(events).toEqual(['a:begin0', 'b:begin0', 'a:batch0', 'b:batch0', 'c:batch0']);
    const sync = new CallbackList([a, c]).onBatchEnd(1, logs);
    expect(sync).toBeUndefined();
    expect(events.slice(-2)).toEqual(['a:batch1', 'c:batch1']);
  });
});
