/**
 * DB-less nodes: a configuration exported from a database node serves the same traffic,
 * the Admin API refuses writes and reads from the snapshot, `/config` accepts Kong's input
 * forms, and the loaded configuration survives a restart without a file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDatabase, parseDeclarative } from '../../src/declarative/index.js';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { startTestNode, type TestNode } from './node.js';
import { tempDir } from './fixtures.js';

let echo: EchoServer;
const dirs: { remove(): void }[] = [];
const nodes: TestNode[] = [];

function dir(label: string) {
  const d = tempDir(label);
  dirs.push(d);
  return d.path;
}

async function node(prefix: string, settings: Record<string, string>) {
  const n = await startTestNode(prefix, settings);
  nodes.push(n);
  return n;
}

beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => undefined);
  await echo?.close();
  for (const d of dirs) d.remove();
});

/** What a client sees of a proxied request, minus what legitimately differs between nodes (ids, latencies). */
function observed(r: { status: number; json: any; headers: Record<string, unknown> }) {
  return { status: r.status, path: r.json?.path, query: r.json?.query, xVersion: r.json?.headers?.['x-version'], consumer: r.json?.headers?.['x-consumer-username'], message: r.json?.message };
}

describe('DB → file → DB-less', () => {
  it('serves the same traffic as the database node it was exported from', async () => {
    const db = await node(dir('db'), { database: 'embedded' });
    const ok = (r: { status: number; body: any }) => {
      if (r.status >= 300) throw new Error(JSON.stringify(r.body));
      return r.body;
    };
    ok(await db.admin('POST', '/services', { name: 'echo', url: `${echo.url}/base` }));
    ok(await db.admin('POST', '/services/echo/routes', { name: 'strip', paths: ['/strip'] }));
    ok(await db.admin('POST', '/services/echo/routes', { name: 'keep', paths: ['/keep'], strip_path: false }));
    ok(await db.admin('POST', '/services/echo/routes', { name: 'by-host', hosts: ['api.example.test'] }));
    const secured = ok(await db.admin('POST', '/services/echo/routes', { name: 'secured', paths: ['/secured'] }));
    ok(await db.admin('POST', `/routes/${secured.id}/plugins`, { name: 'key-auth' }));
    ok(await db.admin('POST', '/routes/keep/plugins', { name: 'request-transformer', config: { add: { headers: ['x-version:db-made'] } } }));
    ok(await db.admin('POST', '/consumers', { username: 'alice' }));
    ok(await db.admin('POST', '/consumers/alice/key-auth', { key: 'alice-key' }));

    const yaml = await exportDatabase(db.node.ctx.datastore!);
    const prefix = dir('dbless');
    const file = join(prefix, 'kong.yml');
    writeFileSync(file, yaml);
    const dbless = await node(prefix, { database: 'off', declarative_config: file });

    const requests: [string, Record<string, string>][] = [
      ['/strip/a/b?x=1', {}],
      ['/keep/c', {}],
      ['/anything', { host: 'api.example.test' }],
      ['/secured/d', {}],
      ['/secured/d', { apikey: 'alice-key' }],
      ['/secured/d', { apikey: 'wrong' }],
      ['/nowhere', {}],
    ];
    for (const [path, headers] of requests) {
      const a = observed(await db.proxy('GET', path, headers));
      const b = observed(await dbless.proxy('GET', path, headers));
      expect({ request: path, ...b }).toEqual({ request: path, ...a });
    }
    // The comparison is not vacuous: the configuration really routes and authenticates.
    expect(observed(await dbless.proxy('GET', '/keep/c'))).toMatchObject({ status: 200, path: '/base/keep/c', xVersion: 'db-made' });
    expect(observed(await dbless.proxy('GET', '/secured/d', { apikey: 'alice-key' }))).toMatchObject({ status: 200, consumer: 'alice' });
    expect((await dbless.proxy('GET', '/secured/d')).status).toBe(401);
  }, 120_000);
});

describe('Admin API of a DB-less node', () => {
  let n: TestNode;
  let prefix: string;
  const v1 = () => `_format_version: "3.0"\nservices:\n- name: s1\n  url: ${echo.url}\n  routes:\n  - name: r1\n    paths: [/one]\n`;

  beforeAll(async () => {
    prefix = dir('admin');
    n = await node(prefix, { database: 'off' });
  }, 60_000);

  it('starts empty, refuses entity writes with code 12, reads from the snapshot', async () => {
    expect((await n.admin('GET', '/services')).body).toEqual({ data: [], next: null });
    const post = await n.admin('POST', '/services', { host: 'x' });
    expect(post.status).toBe(405);
    expect(post.body).toEqual({ code: 12, name: 'operation unsupported', message: "cannot create 'services' entities when not using a database" });
    expect((await n.admin('POST', '/config', v1(), { 'content-type': 'application/yaml' })).status).toBe(201);
    const routes = await n.admin('GET', '/services/s1/routes');
    expect(routes.body.data.map((r: any) => r.name)).toEqual(['r1']);
    expect((await n.admin('GET', '/routes/r1')).body.paths).toEqual(['/one']);
    expect((await n.admin('DELETE', '/routes/r1')).status).toBe(405);
  });

  it('accepts a JSON document, {config: text}, a form field and a multipart upload', async () => {
    const doc = { _format_version: '3.0', services: [{ name: 's2', url: echo.url, routes: [{ name: 'r2', paths: ['/two'] }] }] };
    const json = await n.admin('POST', '/config', doc);
    expect(json.status).toBe(201);
    expect(Object.values(json.body.routes as Record<string, any>).map((r) => r.name)).toEqual(['r2']);
    expect((await n.proxy('GET', '/two')).status).toBe(200);
    expect((await n.proxy('GET', '/one')).status).toBe(404);

    expect((await n.admin('POST', '/config', { config: v1() })).status).toBe(201);
    expect((await n.proxy('GET', '/one')).status).toBe(200);

    const form = await n.admin('POST', '/config', new URLSearchParams({ config: JSON.stringify(doc) }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(201);
    expect((await n.proxy('GET', '/two')).status).toBe(200);

    const fd = new FormData();
    fd.append('config', new Blob([v1()], { type: 'application/yaml' }), 'kong.yml');
    const multipart = await fetch(`${n.adminUrl}/config`, { method: 'POST', body: fd });
    expect(multipart.status).toBe(201);
    expect((await n.proxy('GET', '/one')).status).toBe(200);
    expect((await n.proxy('GET', '/two')).status).toBe(404);
  });

  it('answers 304 to an unchanged config with check_hash=1, and 400 without a config', async () => {
    // The multipart upload before loaded exactly this text.
    expect((await n.admin('POST', '/config?check_hash=1', v1(), { 'content-type': 'text/yaml' })).status).toBe(304);
    const other = `${v1()}# a comment changes the text, so the hash\n`;
    expect((await n.admin('POST', '/config?check_hash=1', other, { 'content-type': 'text/yaml' })).status).toBe(201);
    expect((await n.admin('POST', '/config?check_hash=1', other, { 'content-type': 'text/yaml' })).status).toBe(304);
    expect((await n.admin('POST', '/config', other, { 'content-type': 'text/yaml' })).status).toBe(201);
    expect((await n.admin('POST', '/config', {})).body).toEqual({ message: 'expected a declarative configuration' });
  });

  it('rejects an invalid config with code 14 (nested or flattened) and keeps serving the old one', async () => {
    const bad = { _format_version: '3.0', services: [{ name: 'ok', host: 'x' }, { name: 'bad', port: 99999 }] };
    const nested = await n.admin('POST', '/config', bad);
    expect(nested.status).toBe(400);
    expect(nested.body).toMatchObject({ code: 14, name: 'invalid declarative configuration', fields: { services: [null, { host: 'required field missing', port: 'value should be between 0 and 65535' }] } });
    expect(nested.body.message).toMatch(/^declarative config is invalid: \{services=/);
    const flat = await n.admin('POST', '/config?flatten_errors=1', bad);
    expect(flat.body.flattened_errors).toEqual([
      {
        entity_type: 'service',
        entity_name: 'bad',
        entity: { name: 'bad', port: 99999 },
        errors: [
          { type: 'field', field: 'host', message: 'required field missing' },
          { type: 'field', field: 'port', message: 'value should be between 0 and 65535' },
        ],
      },
    ]);
    expect((await n.proxy('GET', '/one')).status).toBe(200);
  });

  it('exports the configuration in force with GET /config, loadable again', async () => {
    const res = await n.admin('GET', '/config');
    expect(res.status).toBe(200);
    const again = parseDeclarative(res.body.config);
    expect(again.rows.routes.map((r) => r.name)).toEqual(['r1']);
  });

  it('keeps the loaded configuration across a restart without a file', async () => {
    const before = (await n.admin('GET', '/routes')).body.data;
    await n.stop();
    const restarted = await node(prefix, { database: 'off' });
    expect((await restarted.admin('GET', '/routes')).body.data).toEqual(before);
    expect((await restarted.proxy('GET', '/one')).status).toBe(200);
  }, 60_000);
});

describe('/config on a database node', () => {
  it("answers Kong's 400", async () => {
    const db = await node(dir('db-config'), { database: 'embedded' });
    expect((await db.admin('GET', '/config')).body).toEqual({ message: 'this endpoint is only available when Kong is configured to not use a database' });
    expect((await db.admin('POST', '/config', { _format_version: '3.0' })).status).toBe(400);
  }, 60_000);
});

describe('start with an invalid file', () => {
  it('refuses to start with one line naming the file and the first error', async () => {
    const prefix = dir('invalid');
    const file = join(prefix, 'kong.yml');
    writeFileSync(file, '_format_version: "3.0"\nservices:\n- name: a\n  port: 0\n- name: b\n');
    await expect(node(prefix, { database: 'off', declarative_config: file })).rejects.toThrow(
      `declarative_config ${file} is invalid (2 errors; first: services[0].host (service 'a'): required field missing)`,
    );
  }, 60_000);
});
