/** A real node on loopback ports for declarative tests, in a prefix the test owns (so a restart can reuse it). */
import { loadConfig } from '../../src/config/index.js';
import { startNode, type RunningNode } from '../../src/gateway/node.js';
import { silentLogger } from '../../src/log.js';
import { freePort, rawRequest, type ProxyReply } from '../proxy/proxy-node.js';
import './fixtures.js';

export interface TestNode {
  node: RunningNode;
  adminUrl: string;
  admin(method: string, path: string, body?: string | object, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  proxy(method: string, path: string, headers?: Record<string, string>): Promise<ProxyReply>;
  stop(): Promise<void>;
}

export async function startTestNode(prefix: string, settings: Record<string, string>): Promise<TestNode> {
  const env: Record<string, string> = {
    KONG_PREFIX: prefix,
    KONG_PROXY_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_ADMIN_LISTEN: `127.0.0.1:${await freePort()}`,
    KONG_STATUS_LISTEN: 'off',
    KONG_LOG_LEVEL: 'error',
  };
  for (const [k, v] of Object.entries(settings)) env[`KONG_${k.toUpperCase()}`] = v;
  const { config } = loadConfig({ env, defaultPaths: [] });
  const node = await startNode(config, silentLogger());
  const adminUrl = `http://127.0.0.1:${node.addresses.admin[0].port}`;
  const proxyPort = node.addresses.proxy[0].port;
  return {
    node,
    adminUrl,
    async admin(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        if (typeof body !== 'string') (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const res = await fetch(adminUrl + path, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    proxy: (method, path, headers) => rawRequest(proxyPort, method, path, headers),
    stop: () => node.stop(),
  };
}
