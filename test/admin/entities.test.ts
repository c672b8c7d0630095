/**
 * The Admin API entity endpoints over real HTTP, on the embedded store and on PostgreSQL:
 * CRUD of every core entity, Kong's error bodies, cascades, pagination, tags, form vs JSON,
 * and Kong's "Get Started" curl recipes.
 */
import { Agent, FormData, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/plugins/bundled-auth.js';
import { createRootCa, createServerCertificate } from '../../src/pki/index.js';
import type { Dao, EntityChange, EntityEvents } from '../../src/dao/index.js';
import { DATASTORE_KINDS } from '../harness/datastores.js';
import { startAdminNode, type AdminClient, type AdminNode } from './admin-node.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(DATASTORE_KINDS)('Admin API entities on %s', (kind) => {
  let n: AdminNode;
  let c: AdminClient;
  let events: EntityChange[];
  let pem: { cert: string; key: string; ca: string };

  beforeAll(async () => {
    n = await startAdminNode(kind);
    c = n.client;
    events = [];
    (n.node.ctx.services.get('entityEvents') as EntityEvents).subscribe((e) => events.push(e));
    const ca = await createRootCa({ cn: 'Test CA' });
    const leaf = await createServerCertificate({ names: ['example.test'], issuer: ca });
    pem = { cert: leaf.certPem, key: leaf.keyPem, ca: ca.certPem };
  });
  afterAll(async () => n?.stop());

  describe("Kong's Get Started recipes", () => {
    it('creates, reads, updates and lists a service and its route', async () => {
      const created = await c.form('POST', '/services', [['name', 'example_service'], ['url', 'http://httpbin.konghq.com']]);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'example_service', host: 'httpbin.konghq.com', port: 80, protocol: 'http', path: null, retries: 5,
        connect_timeout: 60000, read_timeout: 60000, write_timeout: 60000, enabled: true, tags: null, client_certificate: null,
      });
      expect(created.body.id).toMatch(UUID);
      expect(Number.isInteger(created.body.created_at)).toBe(true);

      const read = await c.json('GET', '/services/example_service');
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);

      const patched = await c.form('PATCH', '/services/example_service', [['retries', '6']]);
      expect(patched.status).toBe(200);
      expect(patched.body.retries).toBe(6);
      expect(patched.body.host).toBe('httpbin.konghq.com');

      const list = await c.json('GET', '/services');
      expect(list.status).toBe(200);
      expect(list.body.next).toBeNull();
      expect(list.body.data.map((s: { name: string }) => s.name)).toContain('example_service');

      const route = await c.form('POST', '/services/example_service/routes', [['paths[]', '/mock'], ['name', 'example_route']]);
      expect(route.status).toBe(201);
      expect(route.body).toMatchObject({
        name: 'example_route', paths: ['/mock'], protocols: ['http', 'https'], strip_path: true, preserve_host: false,
        https_redirect_status_code: 426, path_handling: 'v0', regex_priority: 0, request_buffering: true, response_buffering: true,
        service: { id: created.body.id }, methods: null, hosts: null,
      });
      const nested = await c.json('GET', '/services/example_service/routes/example_route');
      expect(nested.status).toBe(200);
      expect(nested.body.id).toBe(route.body.id);
      const tagged = await c.form('PATCH', '/services/example_service/routes/example_route', [['tags', 'tutorial']]);
      expect(tagged.status).toBe(200);
      expect(tagged.body.tags).toEqual(['tutorial']);
      const routes = await c.json('GET', '/routes');
      expect(routes.body.data.some((r: { id: string }) => r.id === route.body.id)).toBe(true);
      const svcOfRoute = await c.json('GET', '/routes/example_route/service');
      expect(svcOfRoute.body.id).toBe(created.body.id);
    });
  });

  describe('CRUD of each entity', () => {
    it('services: PUT creates then replaces (200 both), the name in the URL wins, DELETE is 204 twice', async () => {
      const put1 = await c.json('PUT', '/services/put-svc', { host: 'a.test', retries: 2, name: 'ignored-name' });
      expect(put1.status).toBe(200);
      expect(put1.body).toMatchObject({ name: 'put-svc', host: 'a.test', retries: 2 });
      const put2 = await c.json('PUT', '/services/put-svc', { host: 'b.test' });
      expect(put2.status).toBe(200);
      expect(put2.body).toMatchObject({ id: put1.body.id, host: 'b.test', retries: 5, created_at: put1.body.created_at });
      const id = '5a6f4a4e-2b0b-4a2e-9d7e-1f0a0b0c0d0e';
      const put3 = await c.json('PUT', `/services/${id}`, { host: 'c.test' });
      expect(put3.status).toBe(200);
      expect(put3.body.id).toBe(id);
      expect((await c.json('DELETE', `/services/${id}`)).status).toBe(204);
      expect((await c.json('DELETE', `/services/${id}`)).status).toBe(204);
      expect((await c.json('GET', `/services/${id}`)).status).toBe(404);
      expect((await c.json('GET', `/services/${id}`)).body).toEqual({ message: 'Not found' });
    });

    it('services: a client-supplied id is kept; PATCH with null clears a field', async () => {
      const id = '0c1b8f6e-8f8e-4e0e-9a53-8c5f2b3a4d5e';
      const created = await c.json('POST', '/services', { id, name: 'with-id', url: 'https://x.test/p' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id, protocol: 'https', port: 443, path: '/p' });
      const cleared = await c.json('PATCH', `/services/${id}`, { path: null });
      expect(cleared.body.path).toBeNull();
      const formCleared = await c.form('PATCH', '/services/with-id', [['name', '']]);
      expect(formCleared.status).toBe(200);
      expect(formCleared.body.name).toBeNull();
    });

    it('consumers: create, read by username, update, custom_id lookup, delete', async () => {
      const cons = await c.json('POST', '/consumers', { username: 'alice', custom_id: 'c-1' });
      expect(cons.status).toBe(201);
      expect((await c.json('GET', '/consumers/alice')).body.id).toBe(cons.body.id);
      expect((await c.json('GET', '/consumers?custom_id=c-1')).body).toEqual({ data: [cons.body], next: null });
      expect((await c.json('GET', '/consumers?custom_id=nope')).body).toEqual({ data: [], next: null });
      expect((await c.json('PATCH', '/consumers/alice', { custom_id: 'c-2' })).body.custom_id).toBe('c-2');
      const bad = await c.json('POST', '/consumers', {});
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe("schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')");
      expect((await c.json('DELETE', '/consumers/alice')).status).toBe(204);
    });

    it('plugins: create globally and scoped, cache-key uniqueness is 409 with Kong fields', async () => {
      const svc = await c.json('POST', '/services', { name: 'plug-svc', host: 'p.test' });
      const global = await c.json('POST', '/plugins', { name: 'key-auth' });
      expect(global.status).toBe(201);
      expect(global.body).toMatchObject({ name: 'key-auth', route: null, service: null, consumer: null, enabled: true });
      const scoped = await c.form('POST', '/services/plug-svc/plugins', [['name', 'key-auth'], ['config.key_names', 'apikey']]);
      expect(scoped.status).toBe(201);
      expect(scoped.body.service).toEqual({ id: svc.body.id });
      expect(scoped.body.config.key_names).toEqual(['apikey']);
      const dup = await c.json('POST', '/plugins', { name: 'key-auth', service: { id: svc.body.id } });
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual({
        code: 5,
        name: 'unique constraint violation',
        message: `UNIQUE violation detected on '{consumer=null,name="key-auth",route=null,service={id="${svc.body.id}"}}'`,
        fields: { name: 'key-auth', route: null, service: { id: svc.body.id }, consumer: null },
      });
      const patched = await c.form('PATCH', `/plugins/${scoped.body.id}`, [['config.hide_credentials', 'true']]);
      expect(patched.status).toBe(200);
      expect(patched.body.config.hide_credentials).toBe(true);
      expect(patched.body.config.key_names).toEqual(['apikey']);
      const unknown = await c.json('POST', '/plugins', { name: 'no-such-plugin' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.fields).toEqual({ name: "plugin 'no-such-plugin' not enabled; add it to the 'plugins' configuration property" });
      expect((await c.json('GET', `/plugins/${scoped.body.id}/service`)).body.id).toBe(svc.body.id);
      expect((await c.json('DELETE', `/plugins/${global.body.id}`)).status).toBe(204);
    });

    it('upstreams and targets: nested endpoints, port 8000 default, per-upstream lookup by target', async () => {
      const up = await c.json('POST', '/upstreams', { name: 'up1.test' });
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ algorithm: 'round-robin', slots: 10000 });
      const t = await c.form('POST', '/upstreams/up1.test/targets', [['target', '10.0.0.1']]);
      expect(t.status).toBe(201);
      expect(t.body).toMatchObject({ target: '10.0.0.1:8000', weight: 100, upstream: { id: up.body.id } });
      expect(Number.isInteger(t.body.created_at)).toBe(false);
      expect((await c.json('GET', '/upstreams/up1.test/targets/10.0.0.1:8000')).body.id).toBe(t.body.id);
      const dup = await c.json('POST', '/upstreams/up1.test/targets', { target: '10.0.0.1:8000' });
      expect(dup.status).toBe(409);
      expect((await c.json('GET', '/targets')).status).toBe(404);
      const list = await c.json('GET', '/upstreams/up1.test/targets');
      expect(list.body.data).toHaveLength(1);
    });

    it('certificates and snis, ca_certificates by id only', async () => {
      const cert = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key, tags: ['tls'] });
      expect(cert.status).toBe(201);
      const sni = await c.json('POST', `/certificates/${cert.body.id}/snis`, { name: 'example.test' });
      expect(sni.status).toBe(201);
      expect(sni.body.certificate).toEqual({ id: cert.body.id });
      expect((await c.json('GET', '/snis/example.test')).body.id).toBe(sni.body.id);
      expect((await c.json('GET', '/snis/example.test/certificate')).status).toBe(404);
      const ca = await c.json('POST', '/ca_certificates', { cert: pem.ca });
      expect(ca.status).toBe(201);
      const byName = await c.json('GET', '/ca_certificates/not-a-uuid');
      expect(byName.status).toBe(400);
      expect(byName.body).toEqual({
        code: 1, name: 'invalid primary key', message: `invalid primary key: '{id="expected a valid UUID"}'`, fields: { id: 'expected a valid UUID' },
      });
    });

    it('key-auth credentials under a consumer and at /key-auths', async () => {
      const cons = await c.json('POST', '/consumers', { username: 'bob' });
      const cred = await c.json('POST', '/consumers/bob/key-auth', { key: 'secret-1' });
      expect(cred.status).toBe(201);
      expect(cred.body).toMatchObject({ key: 'secret-1', consumer: { id: cons.body.id } });
      const generated = await c.json('POST', '/consumers/bob/key-auth', {});
      expect(generated.body.key).toEqual(expect.any(String));
      expect((await c.json('GET', '/consumers/bob/key-auth')).body.data).toHaveLength(2);
      expect((await c.json('GET', '/key-auths/secret-1')).body.id).toBe(cred.body.id);
      const dup = await c.json('POST', '/consumers/bob/key-auth', { key: 'secret-1' });
      expect(dup.status).toBe(409);
      expect(dup.body.message).toBe(`UNIQUE violation detected on '{key="secret-1"}'`);
    });
  });

  describe("Kong's error bodies", () => {
    it('unique names are 409 code 5', async () => {
      await c.json('POST', '/services', { name: 'uniq', host: 'u.test' });
      const dup = await c.json('POST', '/services', { name: 'uniq', host: 'u.test' });
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual({ code: 5, name: 'unique constraint violation', message: `UNIQUE violation detected on '{name="uniq"}'`, fields: { name: 'uniq' } });
    });

    it('a foreign key to nothing is code 4; an unresolvable name is code 13', async () => {
      const missing = '11111111-2222-4333-8444-555555555555';
      const fk = await c.json('POST', '/routes', { paths: ['/x'], service: { id: missing } });
      expect(fk.status).toBe(400);
      expect(fk.body).toEqual({
        code: 4, name: 'foreign key violation',
        message: `the foreign key '{id="${missing}"}' does not reference an existing 'services' entity.`,
        fields: { service: { id: missing } },
      });
      const unresolved = await c.json('POST', '/routes', { paths: ['/x'], service: { name: 'nope' } });
      expect(unresolved.status).toBe(400);
      expect(unresolved.body).toEqual({
        code: 13, name: 'foreign keys unresolved',
        message: `foreign key unresolved (service.name: the foreign key cannot be resolved with '{name="nope"}' for an existing 'services' entity)`,
        fields: { service: { name: `the foreign key cannot be resolved with '{name="nope"}' for an existing 'services' entity` } },
      });
      const byName = await c.json('POST', '/routes', { paths: ['/y'], service: { name: 'uniq' } });
      expect(byName.status).toBe(201);
    });

    it('schema violations, unknown fields, PATCH of a missing entity', async () => {
      const empty = await c.json('POST', '/routes', {});
      expect(empty.body).toEqual({
        code: 2, name: 'schema violation',
        message: "schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')",
        fields: { '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"] },
      });
      const unknown = await c.json('POST', '/services', { host: 'x.test', colour: 'blue' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.fields).toEqual({ colour: 'unknown field' });
      const missing = await c.json('PATCH', '/services/11111111-2222-4333-8444-555555555555', { retries: 1 });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe(6);
      expect(missing.body.message).toBe(`could not find the entity with primary key '{id="11111111-2222-4333-8444-555555555555"}'`);
      const byName = await c.json('PATCH', '/services/nobody', { retries: 1 });
      expect(byName.status).toBe(404);
      expect(byName.body.message).toBe(`could not find the entity with '{name="nobody"}'`);
    });

    it('bodies: 415 for other types, 400 for broken JSON, methods not allowed', async () => {
      expect((await c.raw('POST', '/services', 'host=x', { 'content-type': 'text/plain' })).status).toBe(415);
      expect((await c.raw('POST', '/services', 'x', {})).status).toBe(415);
      const broken = await c.raw('POST', '/services', '{"host":', { 'content-type': 'application/json' });
      expect(broken.status).toBe(400);
      expect(broken.body).toEqual({ message: 'Cannot parse JSON body' });
      const coll = await c.json('DELETE', '/services');
      expect(coll.status).toBe(405);
      expect(coll.body).toEqual({ message: 'Method not allowed' });
    });

    it('multipart bodies work like forms', async () => {
      const form = new FormData();
      form.append('name', 'multi');
      form.append('url', 'http://m.test:8080/a');
      form.append('tags[]', 'one');
      form.append('tags[]', 'two');
      const res = await fetch(`${c.url}/services`, { method: 'POST', body: form, dispatcher: new Agent({ pipelining: 0 }) });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ name: 'multi', host: 'm.test', port: 8080, path: '/a', tags: ['one', 'two'] });
    });
  });

  describe('form and JSON bodies', () => {
    it('give the same entity', async () => {
      const json = await c.json('POST', '/routes', {
        name: 'same-json', methods: ['GET', 'POST'], paths: ['/a', '/b'], hosts: ['h.test'], strip_path: false, regex_priority: 3,
        headers: { 'x-version': ['v1'] }, tags: ['t1'],
      });
      const form = await c.form('POST', '/routes', [
        ['name', 'same-form'], ['methods', 'GET'], ['methods', 'POST'], ['paths[1]', '/a'], ['paths[2]', '/b'], ['hosts', 'h.test'],
        ['strip_path', 'false'], ['regex_priority', '3'], ['headers.x-version', 'v1'], ['tags[]', 't1'],
      ]);
      expect(json.status).toBe(201);
      expect(form.status).toBe(201);
      const strip = ({ id, name, created_at, updated_at, ...rest }: Record<string, unknown>) => (void [id, name, created_at, updated_at], rest);
      expect(strip(form.body)).toEqual(strip(json.body));
    });
  });

  describe('cascades', () => {
    it('a service with routes cannot be deleted; its plugins go with it once the routes are gone', async () => {
      const svc = await c.json('POST', '/services', { name: 'casc-svc', host: 'c.test' });
      const route = await c.json('POST', '/services/casc-svc/routes', { paths: ['/c'] });
      const rplugin = await c.json('POST', `/routes/${route.body.id}/plugins`, { name: 'key-auth' });
      const splugin = await c.json('POST', '/services/casc-svc/plugins', { name: 'key-auth' });
      const refused = await c.json('DELETE', '/services/casc-svc');
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        code: 4, name: 'foreign key violation', message: "an existing 'routes' entity references this 'services' entity", fields: { '@referenced_by': 'routes' },
      });
      expect((await c.json('GET', `/plugins/${splugin.body.id}`)).status).toBe(200);
      events.length = 0;
      expect((await c.json('DELETE', `/routes/${route.body.id}`)).status).toBe(204);
      expect((await c.json('GET', `/plugins/${rplugin.body.id}`)).status).toBe(404);
      expect(events).toEqual([
        expect.objectContaining({ entity: 'routes', op: 'delete', id: route.body.id }),
        expect.objectContaining({ entity: 'plugins', op: 'delete', id: rplugin.body.id }),
      ]);
      expect((await c.json('DELETE', '/services/casc-svc')).status).toBe(204);
      expect((await c.json('GET', `/plugins/${splugin.body.id}`)).status).toBe(404);
      expect((await c.json('GET', `/services/${svc.body.id}`)).status).toBe(404);
    });

    it('a consumer takes its credentials; an upstream its targets', async () => {
      const cons = await c.json('POST', '/consumers', { username: 'casc-user' });
      const plugin = await c.json('POST', '/consumers/casc-user/plugins', { name: 'key-auth' });
      expect(plugin.status).toBe(400); // key-auth cannot be scoped to a consumer (no_consumer)
      const cred = await c.json('POST', '/consumers/casc-user/key-auth', { key: 'casc-key' });
      events.length = 0;
      expect((await c.json('DELETE', '/consumers/casc-user')).status).toBe(204);
      expect(events.map((e) => [e.entity, e.op])).toEqual([['consumers', 'delete'], ['keyauth_credentials', 'delete']]);
      expect((await c.json('GET', `/key-auths/${cred.body.id}`)).status).toBe(404);
      expect((await c.json('GET', `/consumers/${cons.body.id}`)).status).toBe(404);

      await c.json('POST', '/upstreams', { name: 'casc-up.test' });
      const target = await c.json('POST', '/upstreams/casc-up.test/targets', { target: 'a.test:81' });
      expect((await c.json('DELETE', '/upstreams/casc-up.test')).status).toBe(204);
      const dao = n.node.ctx.services.get('dao') as Dao;
      expect(await dao.select('targets', { id: target.body.id })).toBeNull();
    });

    it('a certificate takes its snis, however it is addressed', async () => {
      const cert = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key });
      const sni = await c.json('POST', `/certificates/${cert.body.id}/snis`, { name: 'casc.test' });
      events.length = 0;
      expect((await c.json('DELETE', `/certificates/${cert.body.id}`)).status).toBe(204);
      expect((await c.json('GET', `/snis/${sni.body.id}`)).status).toBe(404);
      expect(events.map((e) => [e.entity, e.op, e.id])).toEqual([['certificates', 'delete', cert.body.id], ['snis', 'delete', sni.body.id]]);

      const byName = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key, snis: ['casc-a.test', 'casc-b.test'] });
      expect((await c.json('DELETE', '/certificates/casc-b.test')).status).toBe(204);
      expect((await c.json('GET', `/certificates/${byName.body.id}`)).status).toBe(404);
      expect((await c.json('GET', '/snis/casc-a.test')).status).toBe(404);
      expect((await c.json('DELETE', '/certificates/casc-b.test')).body).toEqual({ message: 'SNI not found' });
    });

    it('a child of another parent is 404 under the wrong parent', async () => {
      await c.json('POST', '/services', { name: 'p1', host: 'p.test' });
      await c.json('POST', '/services', { name: 'p2', host: 'p.test' });
      const r = await c.json('POST', '/services/p1/routes', { name: 'child-of-p1', paths: ['/p1'] });
      expect((await c.json('GET', '/services/p2/routes/child-of-p1')).status).toBe(404);
      expect((await c.json('DELETE', '/services/p2/routes/child-of-p1')).status).toBe(404);
      expect((await c.json('GET', `/routes/${r.body.id}`)).status).toBe(200);
      expect((await c.json('DELETE', `/routes/${r.body.id}/service`)).status).toBe(405);
    });
  });

  describe("certificates' snis (Kong's certificates DAO)", () => {
    const sorted = (names: string[]) => [...names].sort();
    const certCount = async () => (await c.json('GET', '/certificates?size=1000')).body.data.length;

    it('POST with snis creates the snis rows; GET lists the names sorted; an SNI name addresses the certificate', async () => {
      events.length = 0;
      const created = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key, snis: ['zeta.sni.test', 'alpha.sni.test', '*.wild.sni.test'] });
      expect(created.status).toBe(201);
      expect(created.body.snis).toEqual(sorted(['zeta.sni.test', 'alpha.sni.test', '*.wild.sni.test']));
      expect(events.map((e) => [e.entity, e.op])).toEqual([['certificates', 'create'], ['snis', 'create'], ['snis', 'create'], ['snis', 'create']]);
      const sni = await c.json('GET', '/snis/alpha.sni.test');
      expect(sni.body.certificate).toEqual({ id: created.body.id });
      const byId = await c.json('GET', `/certificates/${created.body.id}`);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(created.body);
      expect((await c.json('GET', '/certificates/zeta.sni.test')).body).toEqual(created.body);
      expect((await c.json('GET', `/certificates/${encodeURIComponent('*.wild.sni.test')}`)).body.id).toBe(created.body.id);
      const listed = (await c.json('GET', '/certificates?size=1000')).body.data.find((x: { id: string }) => x.id === created.body.id);
      expect(listed.snis).toEqual(created.body.snis);
      const nested = await c.json('GET', '/certificates/alpha.sni.test/snis');
      expect(nested.body.data.map((r: { name: string }) => r.name).sort()).toEqual(created.body.snis);
      const plain = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key });
      expect(plain.body.snis).toEqual([]);
      expect((await c.json('GET', `/certificates/${plain.body.id}`)).body.snis).toEqual([]);
      expect(await c.json('GET', '/certificates/nobody.sni.test')).toMatchObject({ status: 404, body: { message: 'SNI not found' } });
      expect((await c.json('GET', '/certificates/nobody.sni.test/snis')).body).toEqual({ message: 'SNI not found' });
    });

    it('takes form bodies (snis[]= and a single snis=)', async () => {
      const form = await c.form('POST', '/certificates', [['cert', pem.cert], ['key', pem.key], ['snis[]', 'form-b.sni.test'], ['snis[]', 'form-a.sni.test']]);
      expect(form.status).toBe(201);
      expect(form.body.snis).toEqual(['form-a.sni.test', 'form-b.sni.test']);
      const single = await c.form('POST', '/certificates', [['cert', pem.cert], ['key', pem.key], ['snis', 'form-c.sni.test']]);
      expect(single.body.snis).toEqual(['form-c.sni.test']);
      expect((await c.json('GET', '/snis/form-c.sni.test')).body.certificate).toEqual({ id: single.body.id });
    });

    it('refuses duplicates and names of another certificate, writing nothing', async () => {
      const owner = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key, snis: ['taken.sni.test'] });
      const before = await certCount();
      events.length = 0;
      const dup = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key, snis: ['d1.sni.test', 'd2.sni.test', 'd1.sni.test'] });
      expect(dup.status).toBe(400);
      expect(dup.body).toEqual({ code: 2, name: 'schema violation', message: 'schema violation (snis: d1.sni.test is duplicated)', fields: { snis: 'd1.sni.test is duplicated' } });
      const clash = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key, snis: ['fresh.sni.test', 'taken.sni.test'] });
      expect(clash.status).toBe(400);
      const text = `taken.sni.test already associated with existing certificate '${owner.body.id}'`;
      expect(clash.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (snis: ${text})`, fields: { snis: text } });
      const invalid = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key, snis: ['ok.sni.test', '*.bad.*'] });
      expect(invalid.status).toBe(400);
      expect(invalid.body.fields).toEqual({ snis: [null, 'only one wildcard must be specified'] });
      expect(await certCount()).toBe(before);
      expect((await c.json('GET', '/snis/fresh.sni.test')).status).toBe(404);
      expect(events).toEqual([]);
      const other = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key });
      const patched = await c.json('PATCH', `/certificates/${other.body.id}`, { snis: ['taken.sni.test'] });
      expect(patched.status).toBe(400);
      expect((await c.json('GET', '/snis/taken.sni.test')).body.certificate).toEqual({ id: owner.body.id });
    });

    it('PATCH replaces, keeps or clears the names; PUT replaces them, by id or by SNI name', async () => {
      const cert = await c.json('POST', '/certificates', { cert: pem.cert, key: pem.key, snis: ['p1.sni.test', 'p2.sni.test'] });
      const id = cert.body.id;
      const replaced = await c.json('PATCH', `/certificates/${id}`, { snis: ['p2.sni.test', 'p3.sni.test'] });
      expect(replaced.status).toBe(200);
      expect(replaced.body.snis).toEqual(['p2.sni.test', 'p3.sni.test']);
      expect((await c.json('GET', '/snis/p1.sni.test')).status).toBe(404);
      const kept = await c.json('PATCH', '/certificates/p3.sni.test', { tags: ['kept'] });
      expect(kept.body).toMatchObject({ tags: ['kept'], snis: ['p2.sni.test', 'p3.sni.test'] });
      const cleared = await c.json('PATCH', `/certificates/${id}`, { snis: null });
      expect(cleared.body.snis).toEqual([]);
      expect((await c.json('GET', `/certificates/${id}/snis`)).body.data).toEqual([]);

      const put = await c.json('PUT', `/certificates/${id}`, { cert: pem.cert, key: pem.key, snis: ['p4.sni.test'] });
      expect(put.body).toMatchObject({ id, snis: ['p4.sni.test'], tags: null });
      const putAgain = await c.json('PUT', `/certificates/${id}`, { cert: pem.cert, key: pem.key });
      expect(putAgain.body.snis).toEqual([]);
      const byName = await c.json('PUT', '/certificates/new1.sni.test', { cert: pem.cert, key: pem.key, snis: ['new2.sni.test'] });
      expect(byName.status).toBe(200);
      expect(byName.body.id).not.toBe(id);
      expect(byName.body.snis).toEqual(['new1.sni.test', 'new2.sni.test']);
      const sameByName = await c.json('PUT', '/certificates/new2.sni.test', { cert: pem.cert, key: pem.key, snis: ['new2.sni.test', 'new3.sni.test'] });
      expect(sameByName.body).toMatchObject({ id: byName.body.id, snis: ['new2.sni.test', 'new3.sni.test'] });
    });
  });

  describe('acls and credential ttl', () => {
    it('/consumers/{c}/acls/{group} finds the row by group name within the consumer', async () => {
      const cons = await c.json('POST', '/consumers', { username: 'acl-user' });
      await c.json('POST', '/consumers', { username: 'acl-other' });
      const admins = await c.json('POST', '/consumers/acl-user/acls', { group: 'admins' });
      expect(admins.status).toBe(201);
      const byGroup = await c.json('GET', '/consumers/acl-user/acls/admins');
      expect(byGroup.status).toBe(200);
      expect(byGroup.body).toEqual(admins.body);
      expect((await c.json('GET', `/consumers/${cons.body.id}/acls/${admins.body.id}`)).body.id).toBe(admins.body.id);
      expect((await c.json('GET', '/consumers/acl-other/acls/admins')).body).toEqual({ message: 'Not found' });
      expect((await c.json('GET', '/consumers/acl-user/acls/nobody')).status).toBe(404);
      const tagged = await c.json('PATCH', '/consumers/acl-user/acls/admins', { tags: ['t'] });
      expect(tagged.body).toMatchObject({ id: admins.body.id, group: 'admins', tags: ['t'] });
      const created = await c.json('PUT', '/consumers/acl-user/acls/ops', {});
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ group: 'ops', consumer: { id: cons.body.id } });
      const replaced = await c.json('PUT', '/consumers/acl-user/acls/ops', { tags: ['x'] });
      expect(replaced.body).toMatchObject({ id: created.body.id, group: 'ops', tags: ['x'] });
      expect((await c.json('DELETE', '/consumers/acl-user/acls/admins')).status).toBe(204);
      expect((await c.json('GET', `/consumers/acl-user/acls/${admins.body.id}`)).status).toBe(404);
      expect((await c.json('DELETE', '/consumers/acl-user/acls/admins')).status).toBe(404);
    });

    it('key-auth ttl: stored as an expiry, shown as seconds left; an expired key is gone and can be created again', async () => {
      await c.json('POST', '/consumers', { username: 'ttl-user' });
      const plain = await c.json('POST', '/consumers/ttl-user/key-auth', { key: 'ttl-none' });
      expect(plain.body.ttl).toBeNull();
      const timed = await c.json('POST', '/consumers/ttl-user/key-auth', { key: 'ttl-hour', ttl: 3600 });
      expect(timed.status).toBe(201);
      expect(timed.body.ttl).toBeGreaterThan(3500);
      expect(timed.body.ttl).toBeLessThanOrEqual(3600);
      const form = await c.form('POST', '/consumers/ttl-user/key-auth', [['key', 'ttl-form'], ['ttl', '60']]);
      expect(form.body.ttl).toBeGreaterThan(0);
      expect(form.body.ttl).toBeLessThanOrEqual(60);
      expect((await c.json('POST', '/consumers/ttl-user/key-auth', { key: 'ttl-bad', ttl: -1 })).body.fields).toEqual({ ttl: 'value should be between 0 and 100000000' });
      const patched = await c.json('PATCH', '/key-auths/ttl-hour', { tags: ['still-timed'] });
      expect(patched.body.ttl).toBeGreaterThan(3500);
      expect((await c.json('PATCH', '/key-auths/ttl-form', { ttl: null })).body.ttl).toBeNull();

      // Expire the row in the store, as time would: it disappears from every read.
      await n.node.ctx.datastore!.query(`UPDATE keyauth_credentials SET ttl = now() - interval '1 minute' WHERE id = $1`, [timed.body.id]);
      expect((await c.json('GET', '/key-auths/ttl-hour')).status).toBe(404);
      expect((await c.json('GET', `/key-auths/${timed.body.id}`)).status).toBe(404);
      const listed = (await c.json('GET', '/consumers/ttl-user/key-auth')).body.data.map((k: { key: string }) => k.key).sort();
      expect(listed).toEqual(['ttl-form', 'ttl-none']);
      expect((await c.json('PATCH', '/key-auths/ttl-hour', { tags: [] })).status).toBe(404);
      events.length = 0;
      const again = await c.json('POST', '/consumers/ttl-user/key-auth', { key: 'ttl-hour' });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(timed.body.id);
      expect(events.map((e) => [e.entity, e.op, e.id])).toEqual([
        ['keyauth_credentials', 'create', again.body.id], ['keyauth_credentials', 'delete', timed.body.id],
      ]);
    });
  });

  describe('OPTIONS', () => {
    it("lists the path's methods", async () => {
      const collection = await c.raw('OPTIONS', '/services');
      expect(collection.status).toBe(204);
      expect(collection.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
      expect(collection.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS, POST');
      expect(collection.headers.get('access-control-allow-headers')).toBe('Content-Type');
      expect((await c.raw('OPTIONS', '/services/anything')).headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, PUT');
      expect((await c.raw('OPTIONS', '/routes/r/service')).headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, PUT');
      expect((await c.raw('OPTIONS', '/plugins/enabled')).headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect((await c.raw('OPTIONS', '/no/such/path')).status).toBe(404);
      expect((await c.raw('DELETE', '/services')).headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    });
  });

  describe('events', () => {
    it('one event per committed write, none for a refused one', async () => {
      events.length = 0;
      const s = await c.json('POST', '/services', { name: 'ev', host: 'e.test' });
      await c.json('PATCH', '/services/ev', { retries: 1 });
      await c.json('POST', '/services', { name: 'ev', host: 'e.test' });
      await c.json('DELETE', '/services/ev');
      expect(events.map((e) => [e.entity, e.op, e.id])).toEqual([
        ['services', 'create', s.body.id], ['services', 'update', s.body.id], ['services', 'delete', s.body.id],
      ]);
      expect(events[1].old).toMatchObject({ retries: 5 });
      expect(events[1].row).toMatchObject({ retries: 1 });
    });
  });

  describe('pagination and tags', () => {
    it('pages through 2,500 consumers with next links, ordered and without repeats', async () => {
      const dao = n.node.ctx.services.get('dao') as Dao;
      const ids = new Set<string>();
      for (let i = 0; i < 2500; i += 50) {
        const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => dao.insert('consumers', { username: `page-${i + j}`, tags: [(i + j) % 2 ? 'odd' : 'even', 'paged'] })));
        for (const row of batch) ids.add(row.id as string);
      }
      const first = await c.json('GET', '/consumers?tags=paged');
      expect(first.body.data).toHaveLength(100);
      expect(first.body.next).toBe(`/consumers?offset=${encodeURIComponent(first.body.offset)}&tags=paged`);
      const seen: string[] = [];
      let next: string | null = '/consumers?size=1000&tags=paged';
      let pages = 0;
      while (next) {
        const page = await c.json('GET', next);
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((r: { id: string }) => r.id));
        if (page.body.next) expect(page.body.offset).toEqual(expect.any(String));
        else expect(page.body).not.toHaveProperty('offset');
        next = page.body.next;
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toHaveLength(2500);
      expect(new Set(seen)).toEqual(ids);
      expect([...seen].sort()).toEqual(seen);
      expect((await dao.count('consumers')) >= 2500).toBe(true);
    });

    it('filters by tags with and (,) and or (/)', async () => {
      await c.json('POST', '/services', { name: 't-ab', host: 't.test', tags: ['a', 'b'] });
      await c.json('POST', '/services', { name: 't-a', host: 't.test', tags: ['a'] });
      await c.json('POST', '/services', { name: 't-c', host: 't.test', tags: ['c'] });
      const names = async (q: string) => (await c.json('GET', `/services?tags=${q}`)).body.data.map((s: { name: string }) => s.name).sort();
      expect(await names('a')).toEqual(['t-a', 't-ab']);
      expect(await names('a,b')).toEqual(['t-ab']);
      expect(await names('b/c')).toEqual(['t-ab', 't-c']);
      const mixed = await c.json('GET', '/services?tags=a,b/c');
      expect(mixed.status).toBe(400);
      expect(mixed.body).toEqual({ code: 11, name: 'invalid options', message: 'invalid option (tags: invalid filter syntax)', options: { tags: 'invalid filter syntax' } });
      expect((await c.json('GET', '/services?tags=')).body.message).toBe('invalid option (tags: cannot be null)');
      expect((await c.json('GET', '/services?tags=a,b,c,d,e,f')).body.message).toBe('invalid option (tags: cannot query more than 5 tags)');
      const tagRows = await c.json('GET', '/tags/b');
      expect(tagRows.body.data).toEqual([expect.objectContaining({ entity_name: 'services', tag: 'b' })]);
      expect((await c.json('GET', '/tags?size=2')).body.data).toHaveLength(2);
    });

    it("size and offset errors use Kong's codes", async () => {
      expect((await c.json('GET', '/services?size=abc')).body).toEqual({ code: 9, name: 'invalid size', message: 'size must be a number' });
      expect((await c.json('GET', '/services?size=0')).body.message).toBe('size must be an integer between 1 and 1000');
      expect((await c.json('GET', '/services?size=1001')).status).toBe(400);
      const bad = await c.json('GET', '/services?offset=x');
      expect(bad.body).toEqual({ code: 7, name: 'invalid offset', message: "'x' is not a valid offset: bad base64 encoding" });
    });
  });

  describe('schemas and plugin info', () => {
    it('serves entity and plugin schemas and validates bodies', async () => {
      const schema = await c.json('GET', '/schemas/services');
      expect(schema.status).toBe(200);
      expect(schema.body.fields.some((f: Record<string, unknown>) => 'host' in f)).toBe(true);
      expect((await c.json('GET', '/schemas/nope')).body).toEqual({ message: "No entity named 'nope'" });
      expect((await c.json('POST', '/schemas/services/validate', { host: 'x.test' })).body).toEqual({ message: 'schema validation successful' });
      expect((await c.json('POST', '/schemas/routes/validate', {})).status).toBe(400);
      expect((await c.json('GET', '/schemas/plugins/key-auth')).status).toBe(200);
      expect((await c.json('GET', '/plugins/schema/key-auth')).body.fields).toEqual(expect.any(Array));
      expect((await c.json('POST', '/schemas/plugins/validate', { name: 'key-auth' })).status).toBe(200);
      expect((await c.json('GET', '/plugins/enabled')).body.enabled_plugins).toContain('key-auth');
    });
  });
});

describe('DB-less (database = off)', () => {
  let n: AdminNode;
  beforeAll(async () => {
    n = await startAdminNode('embedded', { database: 'off' });
  });
  afterAll(async () => n?.stop());

  it("refuses writes with Kong's code 12 after validating, reads answer empty", async () => {
    const c = n.client;
    const post = await c.json('POST', '/routes', { paths: ['/x'] });
    expect(post.status).toBe(405);
    expect(post.body).toEqual({ code: 12, name: 'operation unsupported', message: "cannot create 'routes' entities when not using a database" });
    expect((await c.json('POST', '/routes', {})).status).toBe(400);
    expect((await c.json('PUT', '/services/s1', { host: 'x.test' })).body.message).toBe("cannot create or update 'services' entities by 'name' when not using a database");
    expect((await c.json('DELETE', '/services/s1')).status).toBe(204);
    expect((await c.json('GET', '/services')).body).toEqual({ data: [], next: null });
  });
});

describe.each(DATASTORE_KINDS)('a node with plugins = key-auth,acl on %s', (kind) => {
  let n: AdminNode;
  beforeAll(async () => {
    n = await startAdminNode(kind, { plugins: 'key-auth,acl' });
  });
  afterAll(async () => n?.stop());

  it("refuses plugins the setting does not load, with Kong's message, on every write path", async () => {
    const c = n.client;
    const expected = (name: string) => ({
      code: 2,
      name: 'schema violation',
      message: `schema violation (name: plugin '${name}' not enabled; add it to the 'plugins' configuration property)`,
      fields: { name: `plugin '${name}' not enabled; add it to the 'plugins' configuration property` },
    });
    expect((await c.json('GET', '/plugins/enabled')).body).toEqual({ enabled_plugins: ['acl', 'key-auth'] });
    const refused = await c.json('POST', '/plugins', { name: 'rate-limiting', config: { minute: 5 } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(expected('rate-limiting'));
    await c.json('POST', '/services', { name: 'svc', host: 'svc.test' });
    expect((await c.form('POST', '/services/svc/plugins', [['name', 'cors']])).body).toEqual(expected('cors'));
    expect((await c.json('PUT', '/plugins/11111111-2222-4333-8444-555555555555', { name: 'rate-limiting', config: { minute: 5 } })).body).toEqual(expected('rate-limiting'));
    expect((await c.json('POST', '/schemas/plugins/validate', { name: 'rate-limiting', config: { minute: 5 } })).body).toEqual(expected('rate-limiting'));
    expect((await c.json('POST', '/plugins', { name: 'no-such-plugin' })).body).toEqual(expected('no-such-plugin'));
    expect((await c.json('GET', '/plugins')).body.data).toEqual([]);

    const allowed = await c.json('POST', '/services/svc/plugins', { name: 'key-auth' });
    expect(allowed.status).toBe(201);
    expect((await c.json('PATCH', `/plugins/${allowed.body.id}`, { name: 'rate-limiting' })).body).toEqual(expected('rate-limiting'));
    expect((await c.json('PATCH', `/plugins/${allowed.body.id}`, { config: { hide_credentials: true } })).status).toBe(200);
    expect((await c.json('POST', '/plugins', { name: 'acl', config: { allow: ['a'] } })).status).toBe(201);
  });
});
