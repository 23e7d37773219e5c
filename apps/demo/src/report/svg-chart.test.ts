import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, lineChartSvg, logTicks, niceTicks } from './svg-chart.js';

const attr = (svg: string, cls: string, name: string) =>
  [...svg.matchAll(new RegExp(`class="${cls}"[^>]*?${name}="([^"]*)"`, 'g'))].map((m) => m[1] as string);
const texts = (svg: string, cls: string) =>
  [...svg.matchAll(new RegExp(`class="${cls}"[^>]*>([^<]*)<`, 'g'))].map((m) => m[1] as string);

describe('svg chart', () => {
  it('nice ticks are steps of 1, 2 or 5 × 10^k; log ticks are powers of ten', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.83, 0.89)).toEqual([0.84, 0.86, 0.88]); // (0.89 − 0.83)/5 = 0.012 → step 0.02
    expect(niceTicks(0, 37)).toEqual([0, 10, 20, 30]);
    expect(logTicks(0.003, 250)).toEqual([0.001, 0.01, 0.1, 1, 10, 100, 1000]);
    expect(formatTick(0.1 + 0.2)).toBe('0.3');
    expect(formatTick(1e-5)).toBe('1e-5');
    expect(formatTick(2.5e-4)).toBe('2.5×1e-4');
  });

  it('draws a valid document: title, frame, ticks, one polyline per series, legend', () => {
    const svg = lineChartSvg({
      title: 'acc',
      xLabel: 'epoch',
      yLabel: 'accuracy',
      series: [
        { label: 'a', x: [1, 2, 3], y: [0.8, 0.85, 0.9] },
        { label: 'b', x: [1, 2, 3], y: [0.7, 0.75, 0.8], dashed: true },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<title>acc</title>');
    expect(attr(svg, 'series', 'points')).toHaveLength(2);
    expect(texts(svg, 'legend')).toEqual(['a', 'b']);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2); // b's line and its legend swatch
    // y axis 0.7–0.9 in steps of 0.05, padded to the ticks.
    expect(texts(svg, 'ytick')).toEqual(['0.7', '0.75', '0.8', '0.85', '0.9']);
    expect(texts(svg, 'xtick')).toEqual(['1', '1.5', '2', '2.5', '3']);
  });

  it('scales linearly into the plot area: the ends of the range are the frame edges', () => {
    const svg = lineChartSvg({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      width: 400,
      height: 300,
      series: [{ label: 's', x: [0, 10], y: [0, 1] }],
    });
    // Frame: left 72, right 400 − 16 = 384, top 36, bottom 300 − (56 + 16) = 228.
    expect(attr(svg, 'frame', 'x')).toEqual(['72']);
    expect(attr(svg, 'frame', 'width')).toEqual(['312']);
    expect(attr(svg, 'frame', 'height')).toEqual(['192']);
    expect(attr(svg, 'series', 'points')).toEqual(['72,228 384,36']);
  });

  it('a log axis places powers of ten evenly and drops values ≤ 0 (the line breaks)', () => {
    const svg = lineChartSvg({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      logY: true,
      width: 400,
      height: 300,
      series: [{ label: 's', x: [0, 1, 2, 3, 4], y: [1, 10, 0, 100, 1000] }],
    });
    expect(texts(svg, 'ytick')).toEqual(['1', '10', '100', '1000']);
    expect(svg).toContain('y (log)');
    // 1 → bottom (228), 10 → a third up (164); the 0 breaks the line; 100 → 100, 1000 → top (36).
    expect(attr(svg, 'series', 'points')).toEqual(['72,228 150,164', '306,100 384,36']);
  });

  it('draws ± bands as a closed polygon around the line', () => {
    const svg = lineChartSvg({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      width: 400,
      height: 300,
      series: [{ label: 's', x: [0, 1], y: [1, 1], band: [1, 1] }],
    });
    // y axis 0–2: upper edge at 2 (36), lower at 0 (228).
    expect(attr(svg, 'band', 'points')).toEqual(['72,36 384,36 384,228 72,228']);
    expect(texts(svg, 'legend')).toEqual(['s (± band)']);
  });

  it('escapes text: titles, labels and categories cannot break the document', () => {
    expect(escapeXml(`<a & "b" 'c'>`)).toBe('&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;');
    const svg = lineChartSvg({
      title: 'loss < 1 & "ok"',
      xLabel: '<x>',
      yLabel: 'y',
      xCategories: ['T-shirt/top', 'a<b'],
      series: [{ label: 'Keras & co', y: [1, 2] }],
    });
    expect(svg).not.toMatch(/loss < 1/);
    expect(svg).toContain('loss &lt; 1 &amp; &quot;ok&quot;');
    expect(texts(svg, 'xtick')).toEqual(['T-shirt/top', 'a&lt;b']);
    // Categories at 0 and 1 with half a step of room each side: a quarter and three quarters of the width.
    expect(attr(svg, 'xtickmark', 'x1')).toEqual(['210', '486']);
    expect(attr(svg, 'point', 'cx')).toEqual(['210', '486']);
    expect(texts(svg, 'legend')).toEqual(['Keras &amp; co']);
  });

  it('is deterministic', () => {
    const chart = { title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 's', y: [3, 1, 2] }] };
    expect(lineChartSvg(chart)).toBe(lineChartSvg(chart));
  });
});
