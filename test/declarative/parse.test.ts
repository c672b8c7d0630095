import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { buildSnapshot } from '../../src/snapshot/build.js';
import { declarativeProblems, errorLines, flattenErrors, parseDeclarative } from '../../src/declarative/index.js';
import { bigConfig } from './fixtures.js';

function failure(input: string | Record<string, unknown>): GatewayError {
  try {
    parseDeclarative(input);
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('deterministic ids', () => {
  it("matches the ids Kong's own specs expect for a service and a route named in the file", () => {
    const { rows } = parseDeclarative({
      _format_version: '3.0',
      services: [{ name: 'default.nginx-sample-1.nginx-sample-1.80', host: 'nginx-sample-1.default.80.svc', routes: [{ name: 'default.nginx-sample-1.nginx-sample-1..80', paths: ['/'] }] }],
    });
    expect(rows.services[0].id).toBe('8c17ab3e-b6bd-51b2-b5ec-878b4d608b9d');
    expect(rows.routes[0].id).toBe('84d45463-1faa-55cf-8ef6-4285007b715e');
    expect(rows.routes[0].service).toEqual({ id: '8c17ab3e-b6bd-51b2-b5ec-878b4d608b9d' });
  });

  it('gives the same ids on every load, keys plugins by scope and targets by upstream', () => {
    const file = `
_format_version: "3.0"
upstreams:
- name: up1
  targets: [{ target: 10.0.0.1:80 }]
- name: up2
  targets: [{ target: 10.0.0.1:80 }]
services:
- name: a
  host: up1
  plugins: [{ name: key-auth }]
- name: b
  host: up2
  plugins: [{ name: key-auth }]
`;
    const one = parseDeclarative(file).rows;
    const two = parseDeclarative(file).rows;
    expect(two.targets.map((t) => t.id)).toEqual(one.targets.map((t) => t.id));
    expect(two.plugins.map((p) => p.id)).toEqual(one.plugins.map((p) => p.id));
    expect(new Set(one.targets.map((t) => t.id)).size).toBe(2);
    expect(new Set(one.plugins.map((p) => p.id)).size).toBe(2);
  });
});

describe('nesting and references', () => {
  it('hoists nested entities, fills their parent key and resolves references by name or id', () => {
    const { rows } = parseDeclarative(`
_format_version: "3.0"
services:
- name: svc
  url: http://example.test:8080/base
  routes:
  - name: nested
    paths: [/n]
    plugins: [{ name: key-auth }]
routes:
- name: top
  service: svc
  hosts: [top.test]
consumers:
- username: alice
  keyauth_credentials: [{ key: k1 }]
  basicauth_credentials: [{ username: alice, password: pw }]
  acls: [{ group: admins }]
plugins:
- name: rate-limiting
  consumer: alice
  config: { minute: 5 }
upstreams:
- name: up
  targets: [{ target: 10.0.0.1 }]
targets:
- target: 10.0.0.2:81
  upstream: up
`);
    const svc = rows.services[0];
    expect(svc).toMatchObject({ host: 'example.test', port: 8080, path: '/base' });
    const byName = Object.fromEntries(rows.routes.map((r) => [r.name, r]));
    expect(byName.nested.service).toEqual({ id: svc.id });
    expect(byName.top.service).toEqual({ id: svc.id });
    const alice = rows.consumers[0];
    expect(rows.keyauth_credentials[0].consumer).toEqual({ id: alice.id });
    expect(rows.acls[0].consumer).toEqual({ id: alice.id });
    expect(String(rows.basicauth_credentials[0].password)).not.toBe('pw');
    const keyAuth = rows.plugins.find((p) => p.name === 'key-auth')!;
    expect(keyAuth.route).toEqual({ id: byName.nested.id });
    expect(rows.plugins.find((p) => p.name === 'rate-limiting')!.consumer).toEqual({ id: alice.id });
    expect(rows.targets.map((t) => t.target).sort()).toEqual(['10.0.0.1:8000', '10.0.0.2:81']);
    const byId = parseDeclarative({ _format_version: '3.0', services: [{ id: svc.id, host: 'x' }], routes: [{ service: { id: svc.id }, paths: ['/'] }] });
    expect(byId.rows.routes[0].service).toEqual({ id: svc.id });
  });

  it('keeps stored values with _transform: false (a hashed password is not hashed again)', () => {
    const hashed = parseDeclarative({ _format_version: '3.0', consumers: [{ username: 'u', basicauth_credentials: [{ username: 'u', password: 'pw' }] }] }).rows.basicauth_credentials[0].password;
    const again = parseDeclarative({ _format_version: '3.0', _transform: false, consumers: [{ username: 'u', basicauth_credentials: [{ username: 'u', password: hashed }] }] });
    expect(again.rows.basicauth_credentials[0].password).toBe(hashed);
  });

  it('migrates 1.1/2.1 route paths: regexes gain ~, plain paths are normalized', () => {
    const { rows } = parseDeclarative({ _format_version: '1.1', services: [{ name: 's', host: 'x', routes: [{ name: 'r', paths: ['/users/\\d+', '/a/./b', '/plain'] }] }] });
    expect(rows.routes[0].paths).toEqual(['~/users/\\d+', '/a/b', '/plain']);
    expect(failure({ _format_version: '3.0', services: [{ name: 's', host: 'x', routes: [{ name: 'r', paths: ['users'] }] }] }).code).toBe(14);
  });
});

describe('errors', () => {
  it('reports dozens of errors at once, each with its path in the file', () => {
    const services = [];
    for (let i = 0; i < 30; i++) services.push({ name: `s${i}`, port: 70000 + i, routes: [{ name: `r${i}`, paths: ['no-slash'] }] });
    const err = failure({ _format_version: '3.0', services, routes: [{ name: 'dangling', service: 'missing', paths: ['/'] }], plugins: [{ name: 'no-such-plugin' }], bogus: [] });
    const { items, top } = declarativeProblems(err);
    const lines = errorLines(items, top);
    expect(lines).toContain('bogus: unknown field');
    expect(lines).toContain("services[7].port (service 's7'): value should be between 0 and 65535");
    expect(lines).toContain("services[7].host (service 's7'): required field missing");
    expect(lines).toContain("services[29].routes[0].paths[0] (route 'r29'): should start with: / (fixed path) or ~/ (regex path)");
    expect(lines).toContain("routes[0] (route 'dangling'): invalid reference 'service: missing' (no such entry in 'services')");
    expect(lines.filter((l) => l.startsWith('services['))).toHaveLength(90);
    expect(lines.some((l) => l.startsWith('plugins[0].name') && l.includes("plugin 'no-such-plugin' not enabled"))).toBe(true);
    const fields = err.fields as any;
    expect(fields.services[3]).toMatchObject({ host: 'required field missing', port: 'value should be between 0 and 65535' });
    expect(fields.services[3].routes[0]).toEqual({ paths: ['should start with: / (fixed path) or ~/ (regex path)'] });
    expect(err.message.startsWith('declarative config is invalid: {')).toBe(true);
  });

  it('places valid items as null and reports duplicates as uniqueness violations', () => {
    const err = failure({ _format_version: '3.0', services: [{ name: 'a', host: 'x' }, { name: 'a', host: 'y' }], consumers: [{ username: 'c', custom_id: 'same' }, { username: 'd', custom_id: 'same' }] });
    expect((err.fields as any).services).toEqual([null, "uniqueness violation: 'services' entity with name set to 'a' already declared"]);
    expect((err.fields as any).consumers).toEqual([null, "uniqueness violation: 'consumers' entity with custom_id set to 'same' already declared"]);
  });

  it("flattens errors as Kong's flatten_errors: one record per entity, nested children included", () => {
    const err = failure({ _format_version: '3.0', services: [{ name: 'svc', id: '0175e0e8-3de9-56b4-96f1-b12dcb4b6691', host: 'localhost', protocol: 'nope', tags: ['t1'], routes: [{ name: 'r', paths: [1] }] }] });
    const flat = flattenErrors(declarativeProblems(err).items);
    expect(flat).toHaveLength(2);
    expect(flat[0]).toMatchObject({ entity_type: 'route', entity_name: 'r', entity: { name: 'r', paths: [1], service: { id: '0175e0e8-3de9-56b4-96f1-b12dcb4b6691' } } });
    expect(flat[0].errors[0]).toMatchObject({ type: 'field', field: 'paths.1' });
    expect(flat[1]).toEqual({
      entity_type: 'service',
      entity_name: 'svc',
      entity_id: '0175e0e8-3de9-56b4-96f1-b12dcb4b6691',
      entity_tags: ['t1'],
      entity: { name: 'svc', id: '0175e0e8-3de9-56b4-96f1-b12dcb4b6691', host: 'localhost', protocol: 'nope', tags: ['t1'] },
      errors: [{ type: 'field', field: 'protocol', message: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp' }],
    });
  });

  it('rejects text that is not a configuration with Kong parse messages', () => {
    expect(failure('- just\n- a list\n').fields).toEqual({ error: 'failed parsing declarative configuration: expected an object' });
    expect(failure('services: [').fields?.error).toMatch(/^failed parsing declarative configuration: /);
    expect(failure('_format_version: "3.0"\nservices:\n  - name: a\n   bad: [\n').fields?.error).toMatch(/\(line \d+, column \d+\)$/);
    // JSON with a byte-order mark, and a flow mapping that is YAML but not JSON, both parse.
    expect(parseDeclarative('\uFEFF{"_format_version": "3.0", "services": []}').rows.services).toEqual([]);
    expect(parseDeclarative('{_format_version: "3.0", services: []}').rows.services).toEqual([]);
    expect(failure({ services: [] }).fields).toEqual({ _format_version: 'required field missing' });
    expect(failure({ _format_version: '4.0' }).fields).toEqual({ _format_version: 'expected one of: 1.1, 2.1, 3.0' });
  });
});

describe('size', () => {
  it('loads and compiles a 10,000-route file', () => {
    const parsed = parseDeclarative(JSON.stringify(bigConfig(10_000)));
    expect(parsed.rows.routes).toHaveLength(10_000);
    expect(parsed.rows.plugins).toHaveLength(10_000);
    const built = buildSnapshot(parsed.rows, { plugins: { handler: () => undefined } });
    expect(built.snapshot.rows.routes).toHaveLength(10_000);
  }, 60_000);
});

describe('YAML reading', () => {
  it('keeps dates as strings and honours anchors with merge keys', async () => {
    const { parseDocumentText } = await import('../../src/declarative/document.js');
    const doc = parseDocumentText('_format_version: "3.0"\ndefaults: &d {retries: 3}\nsvc:\n  <<: *d\n  name: a\ntag: 2024-01-01\n');
    expect(doc.svc).toEqual({ retries: 3, name: 'a' });
    expect(doc.tag).toBe('2024-01-01');
  });
});
