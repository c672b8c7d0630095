import { describe, expect, it } from 'vitest';
import type { PluginHandler } from '../plugins/types.js';
import { PluginIndex, type ResolvedPlugin } from './plugin-index.js';

const handler = (name: string, priority: number): PluginHandler => ({ name, priority, version: '1', phases: { access() {}, rewrite() {} } });
const noFlags = () => ({ noRoute: false, noService: false, noConsumer: false });

function inst(name: string, scope: { route?: string; service?: string; consumer?: string }, tag: string, priority = 10): ResolvedPlugin {
  const ref = (id?: string) => (id ? { id } : null);
  return {
    name,
    handler: handler(name, priority),
    conf: { tag },
    entity: { id: tag, name, route: ref(scope.route), service: ref(scope.service), consumer: ref(scope.consumer) },
    protocols: new Set(),
  };
}

const all = [
  inst('p', {}, 'global'),
  inst('p', { service: 'S' }, 'service'),
  inst('p', { route: 'R' }, 'route'),
  inst('p', { consumer: 'C' }, 'consumer'),
  inst('p', { route: 'R', service: 'S' }, 'route+service'),
  inst('p', { service: 'S', consumer: 'C' }, 'service+consumer'),
  inst('p', { route: 'R', consumer: 'C' }, 'route+consumer'),
  inst('p', { route: 'R', service: 'S', consumer: 'C' }, 'all'),
];

function tagOf(index: PluginIndex, r?: string, s?: string, c?: string): string | undefined {
  return (index.resolve(index.slots[0], r, s, c)?.conf as { tag: string } | undefined)?.tag;
}

describe('PluginIndex.resolve (Kong lookup_cfg order)', () => {
  it('walks the eight combinations from most to least specific', () => {
    const order = ['all', 'route+consumer', 'service+consumer', 'route+service', 'consumer', 'route', 'service', 'global'];
    for (let i = 0; i < order.length; i++) {
      const index = new PluginIndex(all.filter((p) => order.slice(i).includes((p.conf as { tag: string }).tag)), noFlags);
      expect(tagOf(index, 'R', 'S', 'C')).toBe(order[i]);
    }
  });

  it('ignores consumer-scoped instances until a consumer is known', () => {
    const index = new PluginIndex(all, noFlags);
    expect(tagOf(index, 'R', 'S')).toBe('route+service');
    expect(tagOf(index, 'R2', 'S2', 'C')).toBe('consumer');
    expect(tagOf(index, 'R2', 'S2')).toBe('global');
  });

  it('honours no_consumer: consumer instances are never selected', () => {
    const index = new PluginIndex(all, () => ({ noRoute: false, noService: false, noConsumer: true }));
    expect(tagOf(index, 'R', 'S', 'C')).toBe('route+service');
  });

  it('orders slots by priority, higher first, and lists globals per phase', () => {
    const index = new PluginIndex([inst('low', {}, 'l', 1), inst('high', {}, 'h', 100), inst('mid', { route: 'R' }, 'm', 50)], noFlags);
    expect(index.slots.map((s) => s.name)).toEqual(['high', 'mid', 'low']);
    expect(index.globals('rewrite').map((p) => p.name)).toEqual(['high', 'low']);
    expect(index.slotsFor('other', undefined).map((s) => s.name)).toEqual(['high', 'low']);
    expect(index.slotsFor('R', undefined).map((s) => s.name)).toEqual(['high', 'mid', 'low']);
  });
});
