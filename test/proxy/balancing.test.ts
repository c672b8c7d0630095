import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer, type EchoServer } from '../harness/upstream.js';
import { must, startProxyNode, type ProxyNode } from './proxy-node.js';

let node: ProxyNode;
const echoes: EchoServer[] = [];

beforeAll(async () => {
  for (let i = 0; i < 3; i++) echoes.push(await startEchoServer());
  node = await startProxyNode();
}, 60_000);

afterAll(async () => {
  await node?.stop();
  for (const e of echoes) await e.close();
});

describe('upstreams and targets', () => {
  it('spreads requests round-robin over equally weighted targets', async () => {
    await must(node.admin('POST', '/upstreams', { name: 'rr' }));
    for (const e of echoes.slice(0, 2)) await must(node.admin('POST', '/upstreams/rr/targets', { target: `127.0.0.1:${e.port}` }));
    await must(node.admin('POST', '/services', { name: 'rr-service', host: 'rr' }));
    await must(node.admin('POST', '/services/rr-service/routes', { paths: ['/rr'] }));
    const seen = new Map<number, number>();
    for (let i = 0; i < 10; i++) {
      const res = await node.proxy('GET', '/rr');
      expect(res.status).toBe(200);
      seen.set(res.json.port, (seen.get(res.json.port) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([echoes[0].port, echoes[1].port].sort());
    expect(seen.get(echoes[0].port)).toBe(5);
    // The Host sent upstream is the target's address and port.
    const res = await node.proxy('GET', '/rr');
    expect(res.json.headers.host).toBe(`127.0.0.1:${res.json.port}`);
  });

  it('takes a killed target out with passive checks while traffic keeps flowing, and PUT healthy restores it', async () => {
    await must(node.admin('POST', '/upstreams', {
      name: 'passive',
      healthchecks: { passive: { unhealthy: { tcp_failures: 1, http_failures: 1 } } },
    }));
    const victim = await startEchoServer();
    const targets = [...echoes.map((e) => `127.0.0.1:${e.port}`), `127.0.0.1:${victim.port}`];
    for (const target of targets) await must(node.admin('POST', '/upstreams/passive/targets', { target }));
    await must(node.admin('POST', '/services', { name: 'passive-service', host: 'passive', retries: 5 }));
    await must(node.admin('POST', '/services/passive-service/routes', { paths: ['/passive'] }));
    expect((await node.proxy('GET', '/passive')).status).toBe(200);

    await victim.close();
    const victimTarget = `127.0.0.1:${victim.port}`;
    const statuses = await Promise.all(Array.from({ length: 40 }, () => node.proxy('GET', '/passive').then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);

    const health = await node.admin('GET', '/upstreams/passive/health');
    expect(health.status).toBe(200);
    const byTarget = new Map(health.body.data.map((t: any) => [t.target, t.health]));
    expect(byTarget.get(victimTarget)).toBe('UNHEALTHY');
    expect(byTarget.get(`127.0.0.1:${echoes[0].port}`)).toBe('HEALTHY');
    // No request reaches the unhealthy target any more.
    for (let i = 0; i < 8; i++) expect((await node.proxy('GET', '/passive')).json.port).not.toBe(victim.port);

    expect((await node.admin('PUT', `/upstreams/passive/targets/${victimTarget}/healthy`)).status).toBe(204);
    const after = await node.admin('GET', '/upstreams/passive/health');
    expect(after.body.data.find((t: any) => t.target === victimTarget).health).toBe('HEALTHY');
    expect((await node.admin('PUT', '/upstreams/passive/targets/127.0.0.1:1/healthy')).status).toBe(404);
    expect((await node.admin('GET', '/upstreams/nope/health')).status).toBe(404);
  });

  it('keeps health state when an unrelated entity changes', async () => {
    const victimTarget = (await node.admin('GET', '/upstreams/passive/health')).body.data.at(-1).target;
    expect((await node.admin('PUT', `/upstreams/passive/targets/${victimTarget}/unhealthy`)).status).toBe(204);
    await must(node.admin('POST', '/services', { name: 'unrelated', url: echoes[0].url }));
    const health = await node.admin('GET', '/upstreams/passive/health');
    expect(health.body.data.find((t: any) => t.target === victimTarget).health).toBe('UNHEALTHY');
  });
});
