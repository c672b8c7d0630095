/**
 * Malformed bodies, query strings and ids thrown at the Admin API: never a 5xx, never a crash,
 * and a refused write never changes a row (the tables' fingerprint is compared around it).
 */
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/plugins/bundled-auth.js';
import { listEntities } from '../../src/schema/index.js';
import type { Datastore } from '../../src/datastore/index.js';
import { startAdminNode, type AdminNode } from './admin-node.js';

interface Reply {
  status: number;
  text: string;
}

/** One kept-alive connection: the loop never idles long enough for the server to close it. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(port: number, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // An explicit length: Node sends DELETE bodies unframed otherwise, and the server would
    // rightly read them as the start of a second, malformed request.
    const framing = body ? { 'content-length': String(body.length) } : {};
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...framing }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Row count and newest row version (xmin) of every entity table: any committed insert, update
 * or delete changes one of them.
 */
async function fingerprintQuery(db: Datastore): Promise<string> {
  const tables = await db.query<{ t: string }>('SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1');
  const names = tables.rows.map((r) => r.t).filter((t) => listEntities().some((e) => e.table === t));
  return names.map((t) => `SELECT '${t}' || ':' || count(*) || ':' || coalesce(max(x.xmin::text::bigint), 0) AS f FROM "${t}" x`).join(' UNION ALL ');
}

async function fingerprint(db: Datastore, sql: string): Promise<string> {
  const r = await db.query<{ f: string }>(sql);
  return r.rows.map((row) => row.f).join('|');
}

const RUNS = 10_000;

describe('Admin API under malformed input (embedded)', () => {
  let n: AdminNode;
  let port: number;
  let db: Datastore;
  const seeded: string[] = [];

  beforeAll(async () => {
    n = await startAdminNode('embedded');
    port = n.node.addresses.admin[0].port;
    db = n.node.ctx.datastore!;
    const c = n.client;
    const svc = await c.json('POST', '/services', { name: 'fz', host: 'fz.test' });
    const route = await c.json('POST', '/services/fz/routes', { name: 'fzr', paths: ['/fz'] });
    const cons = await c.json('POST', '/consumers', { username: 'fzc' });
    const up = await c.json('POST', '/upstreams', { name: 'fzu.test' });
    seeded.push(svc.body.id, route.body.id, cons.body.id, up.body.id, 'fz', 'fzr', 'fzc', 'fzu.test');
  });
  afterAll(async () => {
    agent.destroy();
    await n?.stop();
  });

  it(`answers ${RUNS} malformed requests without a 5xx or a partial write`, async () => {
    const entities = listEntities();
    const collections = entities.map((e) => e.adminPath);
    const fieldNames = [...new Set(entities.flatMap((e) => Object.keys(e.fields)))];
    const nested = entities.flatMap((e) => e.foreignKeys.map((fk) => ({ parent: entities.find((p) => p.name === fk.reference)?.adminPath ?? fk.reference, child: e.adminNestedPath, self: e.adminPath, fk: fk.field })));

    const rawSegment = fc.oneof(
      fc.constantFrom(...seeded, '%', '%zz', '%00', '%E5%86%86', '..', 'null', 'a%20b', '%2F', '~', 'x:1', '10.0.0.1', '[::1]:80'),
      fc.uuid().map(String),
      fc.string({ maxLength: 24 }).map(encodeURIComponent),
      fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent),
    );
    const path = fc.oneof(
      fc.constantFrom(...collections).map((c) => `/${c}`),
      fc.tuple(fc.constantFrom(...collections), rawSegment).map(([c, s]) => `/${c}/${s}`),
      fc.tuple(fc.constantFrom(...nested), rawSegment).map(([r, s]) => `/${r.parent}/${s}/${r.child}`),
      fc.tuple(fc.constantFrom(...nested), rawSegment, rawSegment).map(([r, s, t]) => `/${r.parent}/${s}/${r.child}/${t}`),
      fc.tuple(fc.constantFrom(...nested), rawSegment).map(([r, s]) => `/${r.self}/${s}/${r.fk}`),
      fc.constantFrom('/tags', '/tags/a', '/tags/%FF', '/schemas/services', '/schemas/plugins/validate', '/schemas/routes/validate', '/plugins/enabled', '/plugins/schema/x'),
    );
    const queryValue = fc.oneof(
      fc.string({ maxLength: 16 }),
      fc.integer({ min: -5, max: 5000 }).map(String),
      fc.constantFrom('', 'a,b', 'a/b', 'a,b/c', ',', '/', '1e3', '0x10', 'eyJ9', 'WyJ6enoiXQ==', 'WyIxMjMiXQ==', 'WyJhIiwiYiIsImMiXQ=='),
    );
    const query = fc.dictionary(fc.constantFrom('size', 'offset', 'tags', 'custom_id', 'x', 'size[]'), queryValue, { maxKeys: 3 })
      .map((d) => {
        const q = new URLSearchParams(d).toString();
        return q ? `?${q}` : '';
      });
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 12 }), fc.constantFrom(null, '', 'http://x.test', 'GET', '/p', 0, -1, 65536, 1e300, 2 ** 63, 'a\u0000b'));
    const entityObject = fc.dictionary(fc.constantFrom(...fieldNames, 'url', 'junk', '__proto__', 'constructor'), value, { maxKeys: 6 });
    const formKey = fc.oneof(
      fc.constantFrom(...fieldNames),
      fc.constantFrom('config.minute', 'config.key_names[]', 'paths[]', 'paths[1]', 'paths[99999]', 'a[b][c]', '__proto__.x', 'constructor.prototype.y', '.x', 'x.', 'headers.x-a', 'service.name', 'service.id', 'tags[]', '[]', '[0]'),
      fc.string({ maxLength: 10 }),
    );
    const formBody = fc.array(fc.tuple(formKey, fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'true', 'false', '5', 'http://f.test'))), { maxLength: 8 })
      .map((pairs) => new URLSearchParams(pairs).toString());
    const body = fc.oneof(
      entityObject.map((o) => ({ type: 'application/json', data: JSON.stringify(o) })),
      fc.jsonValue().map((v) => ({ type: 'application/json', data: JSON.stringify(v) })),
      fc.string({ maxLength: 40 }).map((s) => ({ type: 'application/json', data: s })),
      formBody.map((f) => ({ type: 'application/x-www-form-urlencoded', data: f })),
      fc.string({ maxLength: 40 }).map((s) => ({ type: 'application/x-www-form-urlencoded', data: s })),
      fc.tuple(formKey, fc.string({ maxLength: 20 }), fc.boolean()).map(([k, v, asJson]) => ({
        type: 'multipart/form-data; boundary=XyZ',
        data: `--XyZ\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '')}"\r\n${asJson ? 'Content-Type: application/json\r\n' : ''}\r\n${v}\r\n--XyZ--\r\n`,
      })),
      fc.string({ maxLength: 40 }).map((s) => ({ type: 'multipart/form-data; boundary=XyZ', data: s })),
      fc.tuple(fc.constantFrom('text/plain', 'application/xml', '', 'application/jsonx', 'multipart/form-data'), fc.string({ maxLength: 20 })).map(([type, data]) => ({ type, data })),
      fc.constant(null),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');

    const sql = await fingerprintQuery(db);
    let current = await fingerprint(db, sql);
    let firstFailure: string | undefined;
    let previous = '';
    let writes = 0;
    let refusedWrites = 0;
    await fc.assert(
      fc.asyncProperty(method, path, query, body, async (m, p, q, b) => {
        const headers: Record<string, string> = {};
        let payload: Buffer | undefined;
        if (b) {
          payload = Buffer.from(b.data, 'utf8');
          if (b.type) headers['content-type'] = b.type;
        }
        const reply = await send(port, m, p + q, payload, headers);
        const fail = (why: string) => {
          firstFailure ??= `${why}: ${m} ${p}${q} ${b ? JSON.stringify(b) : ''} → ${reply.status} ${reply.text} (previous: ${previous})`;
          throw new Error(firstFailure);
        };
        if (reply.status >= 500) fail('server error');
        if (reply.status !== 204 && m !== 'HEAD' && reply.text !== '') JSON.parse(reply.text);
        if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)) {
          writes++;
          const after = await fingerprint(db, sql);
          if (reply.status >= 400) {
            refusedWrites++;
            if (after !== current) fail(`refused write changed rows [${current}] → [${after}]`);
          }
          current = after;
        }
        previous = `${m} ${p}${q} ${b ? JSON.stringify(b) : ''} → ${reply.status} ${reply.text.slice(0, 300)}`;
      }),
      // No shrinking: each run changes the database, so a replay would not reproduce the state.
      { numRuns: RUNS, seed: 20240601, endOnFailure: true },
    ).catch((err) => {
      throw new Error(firstFailure ?? String(err));
    });
    expect(writes).toBeGreaterThan(RUNS / 3);
    expect(refusedWrites).toBeGreaterThan(0);
    expect((await n.client.json('GET', '/services/fz')).status).toBe(200);
  }, 120_000);
});
