import type { PickContext, Target } from './types.js';

/** Targets for tests: ["10.0.0.1:80", 100] pairs become Kong-shaped target entities. */
export function targetsOf(...specs: [string, number][]): Target[] {
  return specs.map(([target, weight], i) => ({
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    target,
    weight,
    upstream: { id: 'up-1' },
    created_at: 1712345678.123,
  }));
}

export function ctx(overrides: Partial<PickContext> = {}): PickContext {
  return { clientIp: '192.0.2.1', headers: {}, path: '/', query: new URLSearchParams(), ...overrides };
}
