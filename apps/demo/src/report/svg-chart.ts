// A dependency-free SVG line chart for the reproduction report: axes with "nice" ticks (linear, or powers of
// ten on a log axis), axis labels, a legend, optional ± bands. Deterministic output (same input, same bytes),
// so the committed plots only change when the figures do.

/** One line of a {@link LineChart}. */
export interface LineSeries {
  readonly label: string;
  /** x of each point (default: the chart's `x`, else 0, 1, 2, ...). */
  readonly x?: readonly number[];
  readonly y: readonly number[];
  /** Half-width of a band drawn around the line (y ± band), e.g. one standard deviation. */
  readonly band?: readonly number[];
  /** Drawn dashed (e.g. the Keras 3 reference next to steadygrad's solid line). */
  readonly dashed?: boolean;
  /** Colour index into {@link PALETTE} (default: the series' position), so a pair of lines can share one. */
  readonly colour?: number;
}

/** What {@link lineChartSvg} draws. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** x values shared by every series without its own. */
  readonly x?: readonly number[];
  /** Names shown under the x ticks instead of numbers (one per x = 0, 1, 2, ...), e.g. layer names. */
  readonly xCategories?: readonly string[];
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly series: readonly LineSeries[];
  readonly width?: number;
  readonly height?: number;
}

/** Colour-blind-safe palette (Okabe–Ito), cycled over the series. */
export const PALETTE: readonly string[] = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#F0E442',
];

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A number for tick labels: no float noise (0.30000000000000004 → 0.3), exponent form for tiny/huge values. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential().split('e') as [string, string];
    const mant = Number(Number(m).toPrecision(3));
    return `${mant === 1 ? '' : `${mant}×`}1e${Number(e)}`;
  }
  return String(Number(v.toPrecision(6)));
}

/** About `count` evenly spaced "nice" ticks (steps of 1, 2 or 5 × 10^k) covering `[lo, hi]`. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const first = Math.ceil(lo / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i * step <= hi + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Powers of ten within `[lo, hi]` (both > 0); the ends' powers when the range spans less than one decade. */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const ticks: number[] = [];
  for (let e = a; e <= b; e++) ticks.push(Number(`1e${e}`));
  return ticks;
}

interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  readonly ticks: number[];
}

function axis(values: readonly number[], log: boolean, padToTicks: boolean): Axis {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = usable.length > 0 ? Math.min(...usable) : log ? 1 : 0;
  let hi = usable.length > 0 ? Math.max(...usable) : log ? 10 : 1;
  if (log) {
    if (hi <= lo) [lo, hi] = [lo / 10, hi * 10];
    const ticks = logTicks(lo, hi);
    return { lo: ticks[0] as number, hi: ticks[ticks.length - 1] as number, log, ticks };
  }
  if (hi <= lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  const ticks = niceTicks(lo, hi);
  if (padToTicks) {
    const step = ticks.length > 1 ? (ticks[1] as number) - (ticks[0] as number) : hi - lo;
    if ((ticks[0] as number) > lo) ticks.unshift(Number(((ticks[0] as number) - step).toPrecision(12)));
    if ((ticks[ticks.length - 1] as number) < hi)
      ticks.push(Number(((ticks[ticks.length - 1] as number) + step).toPrecision(12)));
    return { lo: ticks[0] as number, hi: ticks[ticks.length - 1] as number, log, ticks };
  }
  return { lo, hi, log, ticks: ticks.filter((t) => t >= lo - 1e-12 && t <= hi + 1e-12) };
}

/** Maps a value to [0, 1] along an axis (log10 on a log axis). */
function unit(a: Axis, v: number): number {
  if (a.log) return (Math.log10(v) - Math.log10(a.lo)) / (Math.log10(a.hi) - Math.log10(a.lo));
  return (v - a.lo) / (a.hi - a.lo);
}

const n2 = (v: number) => String(Math.round(v * 100) / 100);

/**
 * The chart as a standalone SVG document. Points that are not finite (or ≤ 0 on a log axis) break the line
 * instead of being drawn.
 */
export function lineChartSvg(chart: LineChart): string {
  const width = chart.width ?? 640;
  const height = chart.height ?? 400;
  const legendRows = chart.series.length;
  const m = { left: 72, right: 16, top: 36, bottom: 56 + 16 * legendRows };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const xsOf = (s: LineSeries) => s.x ?? chart.x ?? s.y.map((_, i) => i);
  const allX = chart.series.flatMap((s) => [...xsOf(s)]);
  const allY = chart.series.flatMap((s) =>
    s.y.flatMap((v, i) =>
      s.band?.[i] !== undefined ? [v - (s.band[i] as number), v + (s.band[i] as number), v] : [v],
    ),
  );
  // Categories sit at 0 … n−1 with half a step of room on each side, so the end labels stay inside.
  const xa: Axis = chart.xCategories
    ? { lo: -0.5, hi: chart.xCategories.length - 0.5, log: false, ticks: chart.xCategories.map((_, i) => i) }
    : axis(allX, chart.logX === true, false);
  const ya = axis(allY, chart.logY === true, true);
  const px = (v: number) => m.left + unit(xa, v) * pw;
  const py = (v: number) => m.top + (1 - unit(ya, v)) * ph;
  const ok = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!xa.log || x > 0) && (!ya.log || y > 0);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  // Grid and ticks.
  for (const t of ya.ticks) {
    const y = n2(py(t));
    out.push(`<line class="grid" x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e0e0e0"/>`);
    out.push(
      `<text class="ytick" x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatTick(t))}</text>`,
    );
  }
  const xTicks = chart.xCategories ? chart.xCategories.map((_, i) => i) : xa.ticks;
  const every = chart.xCategories ? Math.max(1, Math.ceil(chart.xCategories.length / 12)) : 1;
  for (const [i, t] of xTicks.entries()) {
    if (i % every !== 0) continue;
    const x = n2(px(t));
    const label = chart.xCategories ? (chart.xCategories[t] ?? '') : formatTick(t);
    out.push(
      `<line class="xtickmark" x1="${x}" y1="${m.top + ph}" x2="${x}" y2="${m.top + ph + 4}" stroke="#333"/>`,
    );
    out.push(
      `<text class="xtick" x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  }
  out.push(
    `<rect class="frame" x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
  );
  out.push(
    `<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" text-anchor="middle">${escapeXml(chart.xLabel)}${xa.log ? ' (log)' : ''}</text>`,
  );
  out.push(
    `<text x="16" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${n2(m.top + ph / 2)})">${escapeXml(chart.yLabel)}${ya.log ? ' (log)' : ''}</text>`,
  );
  // Bands, then lines, then the legend.
  for (const [k, s] of chart.series.entries()) {
    const colour = PALETTE[(s.colour ?? k) % PALETTE.length] as string;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const xs = xsOf(s);
    if (s.band) {
      const upper: string[] = [];
      const lower: string[] = [];
      for (const [i, y] of s.y.entries()) {
        const b = s.band[i] ?? 0;
        const x = xs[i] as number;
        if (!ok(x, y + b) || !ok(x, y - b)) continue;
        upper.push(`${n2(px(x))},${n2(py(y + b))}`);
        lower.push(`${n2(px(x))},${n2(py(y - b))}`);
      }
      if (upper.length > 1) {
        out.push(
          `<polygon class="band" points="${[...upper, ...lower.reverse()].join(' ')}" fill="${colour}" fill-opacity="0.15" stroke="none"/>`,
        );
      }
    }
    const segments: string[][] = [[]];
    for (const [i, y] of s.y.entries()) {
      const x = xs[i] as number;
      if (ok(x, y)) (segments[segments.length - 1] as string[]).push(`${n2(px(x))},${n2(py(y))}`);
      else if ((segments[segments.length - 1] as string[]).length > 0) segments.push([]);
    }
    for (const seg of segments) {
      if (seg.length === 1) {
        const [cx, cy] = (seg[0] as string).split(',');
        out.push(`<circle class="point" cx="${cx}" cy="${cy}" r="2.5" fill="${colour}"/>`);
      } else if (seg.length > 1) {
        out.push(
          `<polyline class="series" points="${seg.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.8"${dash}/>`,
        );
        // On a categorical axis each point is a category of its own: marked.
        if (chart.xCategories) {
          for (const p of seg) {
            const [cx, cy] = p.split(',');
            out.push(`<circle class="point" cx="${cx}" cy="${cy}" r="3" fill="${colour}"/>`);
          }
        }
      }
    }
    const ly = height - 16 * (legendRows - k) + 2;
    out.push(
      `<line class="legend-swatch" x1="${m.left}" y1="${ly - 4}" x2="${m.left + 20}" y2="${ly - 4}" stroke="${colour}" stroke-width="3"${dash}/>`,
    );
    out.push(
      `<text class="legend" x="${m.left + 26}" y="${ly}">${escapeXml(s.label)}${s.band ? ' (± band)' : ''}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
