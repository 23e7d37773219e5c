import { Chart, type ChartDataset, type ChartOptions, registerables } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

Chart.register(...registerables, MatrixController, MatrixElement);

const PALETTE = ['#3257d6', '#d6493b', '#19804a', '#b07a00', '#8a3fd1', '#00838f', '#c2185b', '#5d6d7e'];
export const color = (i: number): string => PALETTE[i % PALETTE.length]!;

export type Point = { x: number; y: number };

/** A Chart.js line chart over numeric x whose datasets are added by key and redrawn at most once a frame. */
export class LineChart {
  readonly chart: Chart<'line', Point[]>;
  private readonly byKey = new Map<string, ChartDataset<'line', Point[]>>();
  private pending = false;

  constructor(canvas: HTMLCanvasElement, xTitle: string, options: { logY?: boolean; yTitle?: string } = {}) {
    const chartOptions: ChartOptions<'line'> = {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      plugins: { legend: { labels: { boxWidth: 12, font: { size: 11 } } } },
      scales: {
        x: { type: 'linear', title: { display: true, text: xTitle } },
        y: {
          type: options.logY ? 'logarithmic' : 'linear',
          title: { display: options.yTitle !== undefined, text: options.yTitle ?? '' },
        },
      },
    };
    canvas.parentElement!.style.height = '240px';
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, options: chartOptions });
  }

  series(key: string, label: string, style: { color: string; dashed?: boolean; points?: boolean }): Point[] {
    let ds = this.byKey.get(key);
    if (ds === undefined) {
      ds = {
        label,
        data: [],
        borderColor: style.color,
        backgroundColor: style.color,
        borderWidth: style.points ? 2 : 1.2,
        borderDash: style.dashed ? [5, 4] : [],
        pointRadius: style.points ? 3 : 0,
        tension: 0,
      };
      this.byKey.set(key, ds);
      this.chart.data.datasets.push(ds);
    }
    return ds.data;
  }

  add(
    key: string,
    label: string,
    style: { color: string; dashed?: boolean; points?: boolean },
    p: Point,
  ): void {
    if (!Number.isFinite(p.y)) return;
    this.series(key, label, style).push(p);
    this.redraw();
  }

  redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.chart.update('none');
    });
  }

  clear(): void {
    this.byKey.clear();
    this.chart.data.datasets = [];
    this.chart.update('none');
  }

  /** Points per dataset label (what the browser test checks). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const ds of this.chart.data.datasets) out[ds.label ?? '?'] = ds.data.length;
    return out;
  }
}

/** Viridis-like ramp for t in [0, 1]. */
function ramp(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ] as const;
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

type Cell = { x: string; y: string; v: number; raw: number };

/**
 * A heatmap (chartjs-chart-matrix): columns are steps, rows are layers, the colour is log₁₀ of the value,
 * scaled between the smallest and largest value seen. The picture of vanishing/exploding gradients.
 */
export class Heatmap {
  readonly chart: Chart<'matrix', Cell[]>;
  private columns: string[] = [];
  private rows: string[] = [];
  private cells: Cell[] = [];
  private pending = false;

  constructor(canvas: HTMLCanvasElement, xTitle: string) {
    canvas.parentElement!.style.height = '260px';
    this.chart = new Chart(canvas, {
      type: 'matrix',
      data: {
        datasets: [
          {
            label: 'log10 value',
            data: [],
            backgroundColor: (c) => {
              const cell = c.raw as Cell | undefined;
              return cell === undefined ? 'transparent' : ramp(this.scale(cell.v));
            },
            borderWidth: 0,
            width: ({ chart }) =>
              Math.max(1, (chart.chartArea?.width ?? 0) / Math.max(1, this.columns.length) - 1),
            height: ({ chart }) =>
              Math.max(1, (chart.chartArea?.height ?? 0) / Math.max(1, this.rows.length) - 1),
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: () => '',
              label: (c) => {
                const cell = c.raw as Cell;
                return `${cell.y} at step ${cell.x}: ${cell.raw.toExponential(3)}`;
              },
            },
          },
        },
        scales: {
          x: {
            type: 'category',
            labels: [],
            offset: true,
            title: { display: true, text: xTitle },
            grid: { display: false },
          },
          y: { type: 'category', labels: [], offset: true, reverse: false, grid: { display: false } },
        },
      },
    });
  }

  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private scale(v: number): number {
    return this.max > this.min ? (v - this.min) / (this.max - this.min) : 0.5;
  }

  /** Adds one column (e.g. the per-layer gradient norms measured at `column`). */
  addColumn(column: string, rows: readonly string[], values: readonly number[]): void {
    if (this.rows.length === 0) this.rows = [...rows];
    this.columns.push(column);
    rows.forEach((row, i) => {
      const raw = values[i]!;
      if (!(raw > 0) || !Number.isFinite(raw)) return;
      const v = Math.log10(raw);
      this.min = Math.min(this.min, v);
      this.max = Math.max(this.max, v);
      this.cells.push({ x: column, y: row, v, raw });
    });
    this.redraw();
  }

  private redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const scales = this.chart.options.scales as Record<string, { labels?: string[] }>;
      scales.x!.labels = [...this.columns];
      scales.y!.labels = [...this.rows];
      this.chart.data.datasets[0]!.data = [...this.cells];
      this.chart.update('none');
    });
  }

  clear(): void {
    this.columns = [];
    this.rows = [];
    this.cells = [];
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.redraw();
  }

  get size(): number {
    return this.cells.length;
  }

  /** The colour scale's range in log₁₀ units (dark = min, yellow = max), once there is data. */
  get range(): { min: number; max: number } | undefined {
    return this.cells.length === 0 ? undefined : { min: this.min, max: this.max };
  }
}

/** A generic chart an experiment publishes through `ctx.onEvent({ type: 'chart', ... })`. */
export function experimentChart(
  canvas: HTMLCanvasElement,
  event: {
    kind: 'line' | 'bar';
    x?: readonly (number | string)[];
    xLabel?: string;
    yLabel?: string;
    logY?: boolean;
    series: readonly { label: string; values: readonly number[]; std?: readonly number[] }[];
  },
): Chart {
  canvas.parentElement!.style.height = '260px';
  const n = Math.max(0, ...event.series.map((s) => s.values.length));
  const labels = (event.x ?? Array.from({ length: n }, (_, i) => i)).map(String);
  const datasets: ChartDataset<'line' | 'bar', number[]>[] = [];
  event.series.forEach((s, i) => {
    datasets.push({
      type: event.kind,
      label: s.label,
      data: [...s.values],
      borderColor: color(i),
      backgroundColor: event.kind === 'bar' ? `${color(i)}cc` : color(i),
      pointRadius: event.kind === 'line' ? 2 : 0,
    } as ChartDataset<'line' | 'bar', number[]>);
    if (s.std !== undefined && event.kind === 'line') {
      for (const sign of [1, -1]) {
        datasets.push({
          type: 'line',
          label: `${s.label} ${sign > 0 ? '+' : '−'}1σ`,
          data: s.values.map((v, k) => v + sign * (s.std![k] ?? 0)),
          borderColor: `${color(i)}55`,
          borderDash: [3, 3],
          pointRadius: 0,
        } as ChartDataset<'line', number[]>);
      }
    }
  });
  return new Chart(canvas, {
    type: event.kind,
    data: { labels, datasets: datasets as ChartDataset<'line', number[]>[] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { labels: { boxWidth: 12, font: { size: 11 } } } },
      scales: {
        x: { title: { display: event.xLabel !== undefined, text: event.xLabel ?? '' } },
        y: {
          type: event.logY ? 'logarithmic' : 'linear',
          title: { display: event.yLabel !== undefined, text: event.yLabel ?? '' },
        },
      },
    },
  });
}
