import { describe, it, expect } from 'vitest';
import { getEntity, lookupEntity, getEntityByAdminPath, getChildEntityByAdminPath, listEntities, referencesTo, registerEntity, typedefs } from './index.js';

describe('registry', () => {
  it('registers every core entity on import, in dependency order', () => {
    const names = listEntities().map((e) => e.name);
    for (const n of ['services', 'routes', 'consumers', 'plugins', 'upstreams', 'targets', 'certificates', 'ca_certificates', 'snis']) {
      expect(names).toContain(n);
    }
    expect(names.indexOf('services')).toBeLessThan(names.indexOf('routes'));
    expect(names.indexOf('upstreams')).toBeLessThan(names.indexOf('targets'));
  });

  it('derives table, keys, foreign keys and uniques', () => {
    const routes = getEntity('routes');
    expect(routes).toMatchObject({ table: 'routes', primaryKey: ['id'], endpointKey: 'name', adminPath: 'routes' });
    expect(routes.foreignKeys).toEqual([{ field: 'service', reference: 'services', column: 'service_id', onDelete: 'restrict', required: false }]);
    expect(routes.uniqueFields).toEqual(['name']);
    expect(routes.autoFields).toEqual(['id', 'created_at', 'updated_at']);
    expect(getEntity('targets').foreignKeys[0]).toMatchObject({ field: 'upstream', onDelete: 'cascade', required: true });
    expect(getEntity('plugins').cacheKey).toEqual(['name', 'route', 'service', 'consumer']);
    expect(getEntity('certificates').transientFields).toEqual(['snis']);
  });

  it('finds entities by admin path and nested path', () => {
    expect(getEntityByAdminPath('/ca_certificates/')?.name).toBe('ca_certificates');
    expect(getEntityByAdminPath('nope')).toBeUndefined();
    expect(getChildEntityByAdminPath('services', 'routes')?.foreignKey.field).toBe('service');
    expect(getChildEntityByAdminPath('upstreams', 'targets')?.entity.name).toBe('targets');
    expect(getChildEntityByAdminPath('routes', 'targets')).toBeUndefined();
  });

  it('lists references for cascades and restricted deletes', () => {
    const refs = referencesTo('services').map((r) => `${r.entity.name}.${r.foreignKey.field}:${r.foreignKey.onDelete}`);
    expect(refs).toEqual(['routes.service:restrict', 'plugins.service:cascade']);
  });

  it('throws on unknown names and on an admin path already taken', () => {
    expect(() => getEntity('nope')).toThrow("no entity named 'nope' is registered");
    expect(lookupEntity('nope')).toBeUndefined();
    expect(() => registerEntity({ name: 'test_clash', adminPath: 'routes', fields: { id: typedefs.uuid() } })).toThrow(/already used by 'routes'/);
  });
});
