import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/schema/index.js';
import { Dao } from '../../src/dao/index.js';
import { DATASTORE_KINDS, openTestDatastore, type TestDatastore } from '../harness/datastores.js';

describe.each(DATASTORE_KINDS)('DAO on %s', (kind) => {
  let t: TestDatastore;
  let dao: Dao;
  beforeAll(async () => {
    t = await openTestDatastore(kind);
    dao = new Dao({ datastore: t.datastore });
  });
  afterAll(async () => t?.destroy());

  it('inserts and reads a service', async () => {
    const s = await dao.insert('services', { name: 'a', url: 'http://example.com/x' });
    expect(s).toMatchObject({ name: 'a', host: 'example.com', path: '/x', port: 80, protocol: 'http', retries: 5 });
    expect(typeof s.created_at).toBe('number');
    expect(await dao.select('services', { field: 'name', value: 'a' })).toEqual(s);
    const r = await dao.insert('routes', { name: 'r', paths: ['/a'], service: { name: 'a' } });
    expect(r.service).toEqual({ id: s.id });
    await expect(dao.delete('services', { id: s.id as string })).rejects.toMatchObject({ code: 4 });
  });
});
