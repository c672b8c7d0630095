import type { IncomingMessage } from 'node:http';
import type { GatewayContext } from '../gateway/context.js';

export interface AdminRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** The raw request, for body parsing. */
  readonly raw: IncomingMessage;
  /** Parsed body, filled lazily by `readBody`. */
  body?: unknown;
}

export interface AdminResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type AdminHandler = (req: AdminRequest, ctx: GatewayContext) => Promise<AdminResponse> | AdminResponse;

interface RouteEntry {
  readonly pattern: string;
  readonly segments: string[];
  readonly handlers: Map<string, AdminHandler>;
}

/**
 * A small path router for the Admin API: patterns like `/services/:id/routes`. Literal
 * segments win over parameters, so `/plugins/enabled` is not `/plugins/:id`.
 */
export class AdminRouter {
  private readonly routes: RouteEntry[] = [];

  on(method: string | string[], pattern: string, handler: AdminHandler): this {
    let entry = this.routes.find((r) => r.pattern === pattern);
    if (!entry) {
      entry = { pattern, segments: split(pattern), handlers: new Map() };
      this.routes.push(entry);
    }
    for (const m of Array.isArray(method) ? method : [method]) entry.handlers.set(m.toUpperCase(), handler);
    return this;
  }

  /** `null`: no such path (404); `{ allowed }` with no handler: 405. */
  find(method: string, path: string): { handler?: AdminHandler; params: Record<string, string>; allowed: string[] } | null {
    const parts = split(path);
    let best: { entry: RouteEntry; params: Record<string, string>; score: number } | null = null;
    for (const entry of this.routes) {
      if (entry.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = entry.segments[i];
        if (seg.startsWith(':')) {
          try {
            params[seg.slice(1)] = decodeURIComponent(parts[i]);
          } catch {
            params[seg.slice(1)] = parts[i];
          }
        } else if (seg === parts[i]) {
          score += 1 << (parts.length - i);
        } else {
          ok = false;
          break;
        }
      }
      if (ok && (!best || score > best.score)) best = { entry, params, score };
    }
    if (!best) return null;
    const handler = best.entry.handlers.get(method.toUpperCase()) ?? (method.toUpperCase() === 'HEAD' ? best.entry.handlers.get('GET') : undefined);
    return { handler, params: best.params, allowed: [...best.entry.handlers.keys()] };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}
