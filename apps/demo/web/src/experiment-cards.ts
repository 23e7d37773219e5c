// The experiment-specific cards of the page: charts, heatmaps, tables, images (conv filters, feature maps)
// and test-image predictions that an experiment publishes as events while it runs.
import type { Chart } from 'chart.js';
import type { ExperimentEvent } from '../../src/experiment.js';
import { experimentChart, Heatmap } from './charts.js';
import { $ } from './dom.js';

/** What the cards report back to the page. */
export interface ExperimentCardHooks {
  /** A line for the page's log. */
  log(line: string): void;
  /** How many test-image predictions are on the page. */
  predictionsShown(count: number): void;
}

/** The page's experiment cards: {@link ExperimentCards.show} renders an event, `clear` removes them all. */
export interface ExperimentCards {
  show(event: ExperimentEvent): void;
  clear(): void;
}

/** The experiment cards, appended to `#experiment-charts` (predictions go to `#predictions`). */
export function experimentCards(hooks: ExperimentCardHooks): ExperimentCards {
  const { log } = hooks;
  const extraCharts = new Map<string, { chart?: Chart; card: HTMLElement }>();

  function card(id: string, title: string): HTMLElement {
    let entry = extraCharts.get(id);
    if (entry === undefined) {
      const el = document.createElement('div');
      el.className = 'card';
      el.innerHTML = '<h2></h2><div class="body"></div>';
      $('experiment-charts').append(el);
      entry = { card: el };
      extraCharts.set(id, entry);
    }
    entry.card.querySelector('h2')!.textContent = title;
    return entry.card;
  }

  function show(event: ExperimentEvent): void {
    switch (event.type) {
      case 'phase':
        log(`— ${event.label}`);
        break;
      case 'chart': {
        const el = card(event.id, event.title);
        const body = el.querySelector('.body')!;
        extraCharts.get(event.id)!.chart?.destroy();
        body.replaceChildren(document.createElement('canvas'));
        extraCharts.get(event.id)!.chart = experimentChart(body.querySelector('canvas')!, event);
        break;
      }
      case 'heatmap': {
        const el = card(event.id, event.title);
        const body = el.querySelector('.body')!;
        extraCharts.get(event.id)!.chart?.destroy();
        body.replaceChildren(document.createElement('canvas'));
        const h = new Heatmap(body.querySelector('canvas')!, 'row');
        extraCharts.get(event.id)!.chart = h.chart as unknown as Chart;
        event.rows.forEach((row, i) => {
          h.addColumn(String(row), event.columns, event.values[i] ?? []);
        });
        break;
      }
      case 'table': {
        const el = card(event.id, event.title);
        const table = document.createElement('table');
        for (const [k, v] of event.rows) {
          const tr = table.insertRow();
          tr.insertCell().textContent = k;
          tr.insertCell().textContent = typeof v === 'number' ? v.toPrecision(4) : v;
        }
        el.querySelector('.body')!.replaceChildren(table);
        break;
      }
      case 'predictions':
        showPredictions(event);
        break;
      case 'images':
        showImages(event);
        break;
    }
  }

  /** Conv filters or feature maps: one canvas per image, each scaled to its own min–max range, enlarged. */
  function showImages(event: Extract<ExperimentEvent, { type: 'images' }>): void {
    const el = card(event.id, event.title);
    const size = event.width * event.height;
    const scale = Math.max(1, Math.round(56 / Math.max(event.width, event.height)));
    const tiles: HTMLElement[] = [];
    for (let i = 0; i < event.count; i++) {
      const values = event.values.subarray(i * size, (i + 1) * size);
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const v of values) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const img = new ImageData(event.width, event.height);
      values.forEach((v, j) => {
        const g = hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 0;
        img.data.set([g, g, g, 255], j * 4);
      });
      const small = document.createElement('canvas');
      small.width = event.width;
      small.height = event.height;
      small.getContext('2d')!.putImageData(img, 0, 0);
      const canvas = document.createElement('canvas');
      canvas.width = event.width * scale;
      canvas.height = event.height * scale;
      const g = canvas.getContext('2d')!;
      g.imageSmoothingEnabled = false;
      g.drawImage(small, 0, 0, canvas.width, canvas.height);
      canvas.title = event.labels[i] ?? `image ${i}`;
      const tile = document.createElement('div');
      tile.className = 'tile';
      tile.append(canvas);
      tiles.push(tile);
    }
    const grid = document.createElement('div');
    grid.className = 'image-grid';
    grid.replaceChildren(...tiles);
    el.querySelector('.body')!.replaceChildren(grid);
  }

  function showPredictions(event: Extract<ExperimentEvent, { type: 'predictions' }>): void {
    $('predictions-title').textContent = `Test images: ${event.title}`;
    const grid = $('predictions');
    const tiles: HTMLElement[] = [];
    event.probabilities.forEach((p, i) => {
      let best = 0;
      for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
      const confidence = p[best]!;
      const truth = event.labels[i]!;
      const tile = document.createElement('div');
      tile.className = 'tile';
      const canvas = document.createElement('canvas');
      canvas.width = 28;
      canvas.height = 28;
      const img = new ImageData(28, 28);
      for (let j = 0; j < 784; j++) {
        const v = 255 - event.images[i * 784 + j]!;
        img.data.set([v, v, v, 255], j * 4);
      }
      canvas.getContext('2d')!.putImageData(img, 0, 0);
      const name = document.createElement('div');
      name.className = best === truth ? 'ok' : 'wrong';
      const std = event.std?.[i]?.[best];
      name.textContent = `${event.classNames[best]} ${(confidence * 100).toFixed(0)}%${std === undefined ? '' : ` ±${(std * 100).toFixed(0)}`}`;
      name.title = `true: ${event.classNames[truth]}`;
      const bar = document.createElement('div');
      bar.className = 'bar';
      const fill = document.createElement('div');
      fill.style.width = `${(confidence * 100).toFixed(1)}%`;
      bar.append(fill);
      tile.append(canvas, name, bar);
      tiles.push(tile);
    });
    grid.replaceChildren(...tiles);
    hooks.predictionsShown(tiles.length);
  }

  function clear(): void {
    for (const { chart, card } of extraCharts.values()) {
      chart?.destroy();
      card.remove();
    }
    extraCharts.clear();
    $('predictions').replaceChildren();
  }

  return { show, clear };
}
