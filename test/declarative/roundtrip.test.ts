/**
 * Database round trips through the declarative format, on the embedded store and PostgreSQL:
 * db_import of a file, db_export, import of that export into a fresh database, export again:
 * the two exports are byte-identical, and a failing import leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { exportDatabase, importRows, parseDeclarative } from '../../src/declarative/index.js';
import { DATASTORE_KINDS, openTestDatastore, type TestDatastore } from '../harness/datastores.js';
import './fixtures.js';

const FILE = `
_format_version: "3.0"
services:
- name: billing
  url: https://billing.internal:8443/v1
  tags: [team-a]
  routes:
  - name: billing-api
    paths: [/billing, "~/invoices/\\\\d+$"]
    methods: [GET, POST]
    strip_path: false
    plugins:
    - name: key-auth
      config: { key_names: [x-key] }
  plugins:
  - name: rate-limiting
    config: { minute: 10, policy: local }
- name: search
  host: search-upstream
routes:
- name: search-api
  service: search
  hosts: [search.example.test]
  headers: { x-tenant: [a, b] }
consumers:
- username: alice
  custom_id: c-1
  keyauth_credentials: [{ key: alice-key }]
  basicauth_credentials: [{ username: alice, password: s3cret }]
  acls: [{ group: admins }, { group: users }]
- username: bob
plugins:
- name: correlation-id
  config: { header_name: X-Trace }
- name: rate-limiting
  consumer: bob
  config: { second: 2 }
upstreams:
- name: search-upstream
  algorithm: least-connections
  targets:
  - { target: 10.0.0.1:9200, weight: 50 }
  - { target: 10.0.0.2 }
`;

async function emptyTables(ds: TestDatastore): Promise<void> {
  for (const t of ['plugins', 'targets', 'upstreams', 'acls', 'basicauth_credentials', 'keyauth_credentials', 'consumers', 'routes', 'services']) {
    await ds.datastore.query(`DELETE FROM ${t}`);
  }
}

describe.each(DATASTORE_KINDS)('round trip on %s', (kind) => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await openTestDatastore(kind);
  }, 180_000);
  afterAll(async () => {
    await ds?.destroy();
  });

  it('db_export → db_import → db_export is byte-identical and loses nothing', async () => {
    const parsed = parseDeclarative(FILE);
    await importRows(ds.datastore, parsed.rows);
    const first = await exportDatabase(ds.datastore);
    expect(first.startsWith('_format_version: "3.0"\n_transform: false\n')).toBe(true);
    for (const name of ['billing-api', 'search-api', 'alice-key', 'X-Trace', '10.0.0.2:8000', 'least-connections']) expect(first).toContain(name);

    await emptyTables(ds);
    expect(await exportDatabase(ds.datastore)).toBe('_format_version: "3.0"\n_transform: false\n');
    await importRows(ds.datastore, parseDeclarative(first).rows);
    const second = await exportDatabase(ds.datastore);
    expect(second).toBe(first);

    // The stored password hash survives the trip (`_transform: false` does not hash it again).
    const stored = await ds.datastore.query<{ password: string }>('SELECT password FROM basicauth_credentials');
    expect(first).toContain(stored.rows[0].password);
  }, 60_000);

  it('imports all or nothing: a clash with a stored row rolls the whole file back', async () => {
    await emptyTables(ds);
    await importRows(ds.datastore, parseDeclarative({ _format_version: '3.0', consumers: [{ id: '11111111-1111-4111-8111-111111111111', username: 'taken' }] }).rows);
    const rows = parseDeclarative({ _format_version: '3.0', services: [{ name: 'fresh', host: 'x' }], consumers: [{ username: 'taken' }] }).rows;
    await expect(importRows(ds.datastore, rows)).rejects.toBeInstanceOf(GatewayError);
    const services = await ds.datastore.query('SELECT id FROM services');
    expect(services.rows).toHaveLength(0);
  }, 60_000);
});
