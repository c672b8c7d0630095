import type { Server } from 'node:net';

type HttpLike = Server & { closeIdleConnections?: () => void; closeAllConnections?: () => void };

/**
 * Stops accepting, lets in-flight requests finish, and closes keep-alive connections as they
 * go idle; whatever is still open after `timeoutMs` is cut. Unlike closeServer (which cuts at
 * once), this is what a reload or a worker shutdown needs to drop no request.
 */
export function drainServer(server: Server, timeoutMs: number): Promise<void> {
  const s = server as HttpLike;
  return new Promise((resolve) => {
    if (!s.listening) return resolve();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    };
    s.close(() => finish());
    s.closeIdleConnections?.();
    const sweep = setInterval(() => s.closeIdleConnections?.(), 50);
    const deadline = setTimeout(() => {
      s.closeAllConnections?.();
      setTimeout(finish, 100).unref();
    }, timeoutMs);
  });
}
