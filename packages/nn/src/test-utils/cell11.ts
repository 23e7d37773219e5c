import { Dense } from '../dense.js';
import { Flatten } from '../flatten.js';
import { Sequential } from '../sequential.js';

/** Seed cell 11: Flatten 28x28 → Dense 300 relu → Dense 100 relu → Dense 10 softmax. */
export function cell11(seed?: number): Sequential {
  const model = new Sequential([], seed === undefined ? {} : { seed });
  model.add(new Flatten({ inputShape: [28, 28] }));
  model.add(new Dense(300, { activation: 'relu' }));
  model.add(new Dense(100, { activation: 'relu' }));
  model.add(new Dense(10, { activation: 'softmax' }));
  return model;
}
