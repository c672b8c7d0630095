/** The DAO without HTTP: generated tables, events, paging, the DB-less reader seam. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/schema/index.js';
import { getEntity, registerEntity } from '../../src/schema/index.js';
import { Dao, EntityEvents, entityColumnsMigration, entityTablesDdl, type EntityChange, type EntityReader } from '../../src/dao/index.js';
import { schemaViolation } from '../../src/schema/index.js';
import { DATASTORE_KINDS, openTestDatastore, type TestDatastore } from '../harness/datastores.js';

describe('generated DDL', () => {
  it('follows the schema: uuid key, foreign keys with cascade rules, uniques, cache key, GIN tags index', () => {
    const sql = entityTablesDdl([getEntity('plugins'), getEntity('routes'), getEntity('services')]).join('\n');
    expect(sql.indexOf('CREATE TABLE IF NOT EXISTS "services"')).toBeLessThan(sql.indexOf('CREATE TABLE IF NOT EXISTS "routes"'));
    expect(sql).toMatch(/"routes_service_id_fkey" FOREIGN KEY \("service_id"\) REFERENCES "services" \("id"\) ON DELETE RESTRICT/);
    expect(sql).toMatch(/"plugins_route_id_fkey" FOREIGN KEY \("route_id"\) REFERENCES "routes" \("id"\) ON DELETE CASCADE/);
    expect(sql).toMatch(/"plugins_cache_key_key" UNIQUE \("cache_key"\)/);
    expect(sql).toMatch(/"services_name_key" UNIQUE \("name"\)/);
    expect(sql).toMatch(/ON "routes" USING GIN \("tags"\)/);
    expect(sql).toMatch(/"created_at" timestamp\(0\) with time zone/);
  });
});

describe.each(DATASTORE_KINDS)('Dao on %s', (kind) => {
  let t: TestDatastore;
  let dao: Dao;
  const changes: EntityChange[] = [];

  beforeAll(async () => {
    t = await openTestDatastore(kind);
    const events = new EntityEvents();
    events.subscribe((c) => changes.push(c));
    dao = new Dao({ datastore: t.datastore, events });
  });
  afterAll(async () => t?.destroy());

  it('insert, select by id and endpoint key, update, upsert, delete, with events', async () => {
    const s = await dao.insert('services', { name: 'd1', host: 'd.test' });
    expect(await dao.select('services', { id: s.id as string })).toEqual(s);
    expect(await dao.select('services', { field: 'name', value: 'd1' })).toEqual(s);
    const u = await dao.update('services', { field: 'name', value: 'd1' }, { port: 8080 });
    expect(u).toMatchObject({ id: s.id, port: 8080, host: 'd.test' });
    const p = await dao.upsert('services', { field: 'name', value: 'd1' }, { host: 'e.test' });
    expect(p).toMatchObject({ id: s.id, port: 80, host: 'e.test', created_at: s.created_at });
    expect(await dao.delete('services', { id: s.id as string })).toBe(true);
    expect(await dao.delete('services', { id: s.id as string })).toBe(false);
    expect(changes.map((c) => c.op)).toEqual(['create', 'update', 'update', 'delete']);
  });

  it('pages by foreign key and counts', async () => {
    const s = await dao.insert('services', { name: 'd2', host: 'd.test' });
    for (let i = 0; i < 5; i++) await dao.insert('routes', { paths: [`/r${i}`], service: { id: s.id } });
    await dao.insert('routes', { paths: ['/other'] });
    const page1 = await dao.selectByForeign('routes', 'service', s.id as string, { size: 3 });
    expect(page1.data).toHaveLength(3);
    const page2 = await dao.selectByForeign('routes', 'service', s.id as string, { size: 3, offset: page1.offset! });
    expect(page2.data).toHaveLength(2);
    expect(page2.offset).toBeNull();
    expect(await dao.count('routes', { field: 'service', id: s.id as string })).toBe(5);
  });

  it('a failed write changes nothing and emits nothing', async () => {
    await dao.insert('consumers', { username: 'dup' });
    const before = changes.length;
    await expect(dao.insert('consumers', { username: 'dup' })).rejects.toMatchObject({ code: 5 });
    await expect(dao.insert('consumers', { username: 'x\u0000y' })).rejects.toMatchObject({ code: 2 });
    expect(changes.length).toBe(before);
    expect(await dao.count('consumers')).toBe(1);
  });

  it('creates tables for a plugin-owned entity from its definition', async () => {
    const def = registerEntity({
      name: 'dao_test_tokens',
      adminPath: 'dao-test-tokens',
      endpointKey: 'token',
      fields: {
        id: { type: 'string', uuid: true, auto: true },
        created_at: { type: 'integer', timestamp: true, auto: true },
        consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' },
        token: { type: 'string', required: true, unique: true },
        scopes: { type: 'set', elements: { type: 'string' } },
        extra: { type: 'map', keys: { type: 'string' }, values: { type: 'integer' } },
      },
    });
    for (const sql of entityTablesDdl([def], ['consumers'])) await t.datastore.query(sql);
    const c = await dao.insert('consumers', { username: 'owner' });
    const tok = await dao.insert(def, { consumer: { id: c.id }, token: 't1', scopes: ['a', 'a', 'b'], extra: { n: 1 } });
    expect(tok).toMatchObject({ token: 't1', scopes: ['a', 'b'], extra: { n: 1 } });
    await dao.delete('consumers', { id: c.id as string });
    expect(await dao.select(def, { id: tok.id as string })).toBeNull();
  });

  it('write checks run before validation on every write, with the stored entity under an update', async () => {
    const seen: unknown[] = [];
    const remove = dao.addWriteCheck((entity, candidate) => {
      if (entity.name !== 'consumers') return;
      seen.push(candidate.username);
      if (candidate.username === 'forbidden') throw schemaViolation({ username: 'not here' });
    });
    try {
      await expect(dao.insert('consumers', { username: 'forbidden', custom_id: 5 })).rejects.toMatchObject({ code: 2, fields: { username: 'not here' } });
      const ok = await dao.insert('consumers', { username: 'allowed' });
      await expect(dao.update('consumers', { id: ok.id as string }, { username: 'forbidden' })).rejects.toMatchObject({ fields: { username: 'not here' } });
      await dao.update('consumers', { id: ok.id as string }, { custom_id: 'c' });
      await expect(dao.upsert('consumers', { field: 'username', value: 'forbidden' }, {})).rejects.toMatchObject({ code: 2 });
      expect(seen).toEqual(['forbidden', 'allowed', 'forbidden', 'allowed', 'forbidden']);
    } finally {
      remove();
    }
    expect((await dao.insert('consumers', { username: 'forbidden' })).username).toBe('forbidden');
  });

  it('ttl entities: an expiry column added to an older table; expired rows are hidden and purged', async () => {
    const def = registerEntity({
      name: 'dao_test_expiring',
      adminPath: 'dao-test-expiring',
      ttl: true,
      fields: { id: { type: 'string', uuid: true, auto: true }, token: { type: 'string', required: true, unique: true } },
    });
    // A table from before the entity had a ttl: only its declared fields.
    await t.datastore.query('CREATE TABLE dao_test_expiring (id uuid PRIMARY KEY, token text UNIQUE)');
    for (const sql of entityColumnsMigration('test', () => ['dao_test_expiring']).up) await t.datastore.query(sql);
    for (const sql of entityColumnsMigration('test', () => ['dao_test_expiring']).up) await t.datastore.query(sql);
    const lasting = await dao.insert(def, { token: 'lasting', ttl: 100 });
    expect(lasting.ttl).toBeGreaterThan(90);
    const doomed = await dao.insert(def, { token: 'doomed', ttl: 100 });
    await t.datastore.query("UPDATE dao_test_expiring SET ttl = now() - interval '1 second' WHERE id = $1", [doomed.id]);
    expect(await dao.select(def, { id: doomed.id as string })).toBeNull();
    expect((await dao.page(def)).data.map((r) => r.token)).toEqual(['lasting']);
    expect(await dao.count(def)).toBe(1);
    const before = changes.length;
    const again = await dao.insert(def, { token: 'doomed' });
    expect(again.ttl).toBeNull();
    expect(changes.slice(before).map((c) => [c.op, c.id])).toEqual([['create', again.id], ['delete', doomed.id]]);
    const raw = await t.datastore.query<{ n: string | number }>('SELECT count(*) AS n FROM dao_test_expiring');
    expect(Number(raw.rows[0].n)).toBe(2);
  });
});

describe('DB-less seam', () => {
  it('reads through the given reader and refuses writes with code 12', async () => {
    const row = { id: '11111111-2222-4333-8444-555555555555', name: 'snap' };
    const reader: EntityReader = {
      select: async (_e, key) => ('field' in key ? (key.value === 'snap' ? row : null) : key.id === row.id ? row : null),
      page: async () => ({ rows: [row], more: false }),
      count: async () => 1,
      pageTags: async () => ({ rows: [], more: false }),
    };
    const dao = new Dao({ datastore: null, reader });
    expect(await dao.select('services', { field: 'name', value: 'snap' })).toBe(row);
    expect((await dao.page('services')).data).toEqual([row]);
    await expect(dao.insert('services', { host: 'x.test' })).rejects.toMatchObject({ code: 12, status: 405, message: "cannot create 'services' entities when not using a database" });
    await expect(dao.update('services', { id: row.id }, { port: 1 })).rejects.toMatchObject({ code: 12, message: "cannot update 'services' entities when not using a database" });
    await expect(dao.delete('services', { field: 'name', value: 'snap' })).rejects.toMatchObject({ message: "cannot remove 'services' entities by 'name' when not using a database" });
    expect(await dao.delete('services', { field: 'name', value: 'absent' })).toBe(false);
  });
});
