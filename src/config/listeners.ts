/** `proxy_listen`-style values: `address:port [ssl] [http2] [reuseport] [backlog=N] …`. */
export interface Listener {
  readonly host: string;
  readonly port: number;
  readonly ssl: boolean;
  readonly http2: boolean;
  readonly reuseport: boolean;
  readonly backlog: number | null;
  /** The entry as written, for error messages. */
  readonly text: string;
}

const KNOWN_FLAGS = new Set(['ssl', 'http2', 'reuseport', 'proxy_protocol', 'deferred', 'bind', 'so_keepalive=on', 'so_keepalive=off']);

/** Parses one setting's entries; returns the listeners or the errors, each naming the key. */
export function parseListeners(key: string, entries: readonly string[]): { listeners: Listener[]; errors: string[] } {
  const listeners: Listener[] = [];
  const errors: string[] = [];
  if (entries.length === 1 && entries[0].trim().toLowerCase() === 'off') return { listeners, errors };
  for (const entry of entries) {
    const [address, ...flags] = entry.trim().split(/\s+/);
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(address ?? '');
    if (!match) {
      errors.push(`${key}: invalid listener '${entry}' (expected address:port, e.g. 127.0.0.1:8001, or off)`);
      continue;
    }
    const port = Number(match[3]);
    if (port > 65535) {
      errors.push(`${key}: port ${port} out of range in '${entry}' (0-65535; 0 picks a free port)`);
      continue;
    }
    let backlog: number | null = null;
    for (const flag of flags) {
      const b = /^backlog=(\d+)$/.exec(flag);
      if (b) backlog = Number(b[1]);
      else if (!KNOWN_FLAGS.has(flag) && !flag.startsWith('so_keepalive=')) {
        errors.push(`${key}: unknown listener flag '${flag}' in '${entry}' (ssl, http2, reuseport, backlog=N, proxy_protocol, deferred, bind)`);
      }
    }
    listeners.push({
      host: match[1] ?? match[2],
      port,
      ssl: flags.includes('ssl'),
      http2: flags.includes('http2'),
      reuseport: flags.includes('reuseport'),
      backlog,
      text: entry.trim(),
    });
  }
  return { listeners, errors };
}
