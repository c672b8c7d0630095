import type { Server } from 'node:net';
import type { Listener } from '../config/index.js';
import { ErrorCode, GatewayError } from '../errors.js';

/** Binds a server to one configured listener; a busy port becomes one line naming the setting. */
export function listenOn(server: Server, listener: Listener, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new GatewayError(ErrorCode.LISTEN, `${setting}: ${listener.host}:${listener.port} is already in use`, {
          hint: `stop the process using port ${listener.port} or change ${setting}`,
        }));
      } else if (err.code === 'EACCES') {
        reject(new GatewayError(ErrorCode.LISTEN, `${setting}: permission denied to listen on ${listener.host}:${listener.port}`, {
          hint: `use a port above 1023 in ${setting} or run with the needed privileges`,
        }));
      } else if (err.code === 'EADDRNOTAVAIL') {
        reject(new GatewayError(ErrorCode.LISTEN, `${setting}: address ${listener.host} is not available on this machine`, { hint: `fix the address in ${setting}` }));
      } else {
        reject(new GatewayError(ErrorCode.LISTEN, `${setting}: cannot listen on ${listener.host}:${listener.port}: ${err.code ?? err.message}`));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: listener.host, port: listener.port, backlog: listener.backlog ?? 511, exclusive: !listener.reuseport });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
