import { describe, expect, it } from 'vitest';
import { parsePrometheusText, valueOf } from './prom-text.js';

describe('strict Prometheus text parser (test helper)', () => {
  it('reads families, labels with escapes and histograms', () => {
    const f = parsePrometheusText(
      [
        '# HELP a_total A counter',
        '# TYPE a_total counter',
        'a_total{x="q\\"uo\\\\te",y="2"} 3',
        '# TYPE h histogram',
        'h_bucket{le="1"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 5.5',
        'h_count 2',
        '',
      ].join('\n'),
    );
    expect(valueOf(f, 'a_total', { x: 'q"uo\\te' })).toBe(3);
    expect(valueOf(f, 'h_count')).toBe(2);
    expect(f.get('a_total')?.help).toBe('A counter');
  });

  it('rejects malformed input', () => {
    expect(() => parsePrometheusText('x 1')).toThrow(/undeclared family/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx{a=1} 1')).toThrow(/unquoted/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx one')).toThrow(/malformed|bad value/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1')).toThrow(/cumulative/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1')).toThrow(/\+Inf/);
  });
});
