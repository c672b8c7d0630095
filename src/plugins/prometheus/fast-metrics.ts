/**
 * Counters and histograms for the request path, rendered by prom-client's registry. A label
 * set is resolved once into a series handle that the caller keeps; recording is then a plain
 * field increment, with no label validation or hashing per request (prom-client's own
 * metrics cost microseconds per call, which the proxy pays on every request).
 */
import type { Metric } from 'prom-client';

type Labels<L extends string> = Readonly<Record<L, string>>;

export interface CounterSeries {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** A series as sent between processes (structured clone): labels and its numbers. */
export interface ExportedCounter {
  labels: Record<string, string>;
  value: number;
}

export interface ExportedHistogram {
  labels: Record<string, string>;
  counts: number[];
  sum: number;
  count: number;
}

abstract class FastMetric<L extends string, S> {
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}

  /** The series for these label values, created on first use. Keep the handle. */
  seriesFor(labels: Labels<L>): S {
    const key = this.labelNames.map((n) => labels[n]).join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      const ordered: Record<string, string> = {};
      for (const n of this.labelNames) ordered[n] = labels[n];
      s = this.create(Object.freeze(ordered));
      this.series.set(key, s);
    }
    return s;
  }

  reset(): void {
    this.series.clear();
  }

  /** Registers with a prom-client registry, which calls get() when rendering. */
  asMetric(): Metric {
    return this as unknown as Metric;
  }

  protected abstract create(labels: Readonly<Record<string, string>>): S;
}

export class FastCounter<L extends string> extends FastMetric<L, CounterSeries> {
  readonly type = 'counter';
  readonly aggregator = 'sum';

  protected create(labels: Readonly<Record<string, string>>): CounterSeries {
    return { labels, value: 0 };
  }

  exportSeries(): ExportedCounter[] {
    return [...this.series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
  }

  /** Adds another process's values into this one (counters of several workers sum). */
  absorb(exported: readonly ExportedCounter[]): void {
    for (const e of exported) this.seriesFor(e.labels as Labels<L>).value += e.value;
  }

  async get() {
    const values: MetricValue[] = [...this.series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class FastHistogram<L extends string> extends FastMetric<L, HistogramSeries> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(name: string, help: string, labelNames: readonly L[], readonly buckets: readonly number[]) {
    super(name, help, labelNames);
  }

  protected create(labels: Readonly<Record<string, string>>): HistogramSeries {
    return { labels, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
  }

  observe(series: HistogramSeries, value: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    series.counts[i] += 1;
    series.sum += value;
    series.count += 1;
  }

  exportSeries(): ExportedHistogram[] {
    return [...this.series.values()].map((s) => ({ labels: { ...s.labels }, counts: [...s.counts], sum: s.sum, count: s.count }));
  }

  /** Adds another process's observations (same buckets: every process defines the family alike). */
  absorb(exported: readonly ExportedHistogram[]): void {
    for (const e of exported) {
      const s = this.seriesFor(e.labels as Labels<L>);
      const n = Math.min(s.counts.length, e.counts.length);
      for (let i = 0; i < n; i++) s.counts[i] += e.counts[i];
      s.sum += e.sum;
      s.count += e.count;
    }
  }

  async get() {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += s.counts[i];
        const le = i < this.buckets.length ? String(this.buckets[i]) : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...s.labels }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...s.labels }, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
