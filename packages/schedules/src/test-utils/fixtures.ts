import { readFileSync } from 'node:fs';

interface Case<O> {
  readonly options: O;
  readonly lr: number[];
}

/** Shape of `fixtures/torch.json` (written by tooling/fixtures/schedules-torch.py). */
export interface TorchFixtures {
  readonly torch: string;
  readonly oneCycle: (Case<{
    max_lr: number;
    total_steps: number;
    pct_start?: number;
    anneal_strategy?: 'cos' | 'linear';
    three_phase?: boolean;
    div_factor?: number;
    final_div_factor?: number;
    base_momentum?: number;
    max_momentum?: number;
  }> & { momentum: number[] })[];
  readonly cosineAnnealing: Case<{ lr: number; T_max: number; eta_min: number }>[];
  readonly cosineAnnealingWarmRestarts: Case<{ lr: number; T_0: number; T_mult: number; eta_min: number }>[];
  readonly cosineAnnealingWarmRestartsFractional: (Case<{
    lr: number;
    T_0: number;
    T_mult: number;
    eta_min: number;
  }> & { epoch: number[] })[];
  readonly exponential: Case<{ lr: number; gamma: number }>[];
  readonly step: Case<{ lr: number; step_size: number; gamma: number }>[];
  readonly multiStep: Case<{ lr: number; milestones: number[]; gamma: number }>[];
  readonly polynomial: Case<{ lr: number; total_iters: number; power: number }>[];
}

export const torchFixtures: TorchFixtures = JSON.parse(
  readFileSync(new URL('../fixtures/torch.json', import.meta.url), 'utf8'),
) as TorchFixtures;
