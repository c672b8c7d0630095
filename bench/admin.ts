import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPostgres, type PgServer } from '../test/harness/postgres.js';
import { inParallel } from './lib/parallel.js';
import { stopProcess } from './lib/processes.js';
import { admin, startSilverback, type SilverbackProcess } from './lib/silverback.js';

const BIN = fileURLToPath(new URL('../bin/silverback.js', import.meta.url));
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 500);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUTES = Number(process.env.BENCH_ROUTES ?? 10_000);

interface Row {
  store: string;
  what: string;
  count: number;
  seconds: number;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

/** Follows `next` from the first page to the last; returns the pages read. */
async function walkRoutes(adminUrl: string, size: number): Promise<{ pages: number; rows: number }> {
  let path: string | null = `/routes?size=${size}`;
  let pages = 0;
  let rows = 0;
  while (path) {
    const page = (await admin(adminUrl, 'GET', path)) as { data: unknown[]; next: string | null };
    pages++;
    rows += page.data.length;
    path = page.next;
  }
  return { pages, rows };
}

async function measureStore(store: string, sb: SilverbackProcess): Promise<Row[]> {
  const rows: Row[] = [];
  const url = sb.adminUrl;
  rows.push({ store, what: 'POST /consumers, one at a time', count: SEQUENTIAL, seconds: await timed(async () => {
    for (let i = 0; i < SEQUENTIAL; i++) await admin(url, 'POST', '/consumers', { username: `seq-${i}` });
  }) });
  rows.push({ store, what: `POST /consumers, ${CONCURRENCY} in flight`, count: CONCURRENT, seconds: await timed(() =>
    inParallel(CONCURRENT, CONCURRENCY, (i) => admin(url, 'POST', '/consumers', { username: `par-${i}` })),
  ) });
  await admin(url, 'POST', '/services', { name: 'pages', url: 'http://127.0.0.1:9/' });
  rows.push({ store, what: `POST /services/{s}/routes, ${CONCURRENCY} in flight`, count: ROUTES, seconds: await timed(() =>
    inParallel(ROUTES, CONCURRENCY, (i) => admin(url, 'POST', '/services/pages/routes', { paths: [`/page${i}`] })),
  ) });
  for (const size of [100, 1000]) {
    let walked = { pages: 0, rows: 0 };
    const seconds = await timed(async () => {
      walked = await walkRoutes(url, size);
    });
    if (walked.rows !== ROUTES) throw new Error(`GET /routes?size=${size} walked ${walked.rows} routes, expected ${ROUTES}`);
    rows.push({ store, what: `GET /routes?size=${size}, all ${walked.pages} pages`, count: walked.pages, seconds });
  }
  return rows;
}

async function postgresNode(pg: PgServer): Promise<SilverbackProcess> {
  const env = {
    KONG_DATABASE: 'postgres',
    KONG_PG_HOST: pg.host,
    KONG_PG_PORT: String(pg.port),
    KONG_PG_USER: 'kong',
    KONG_PG_PASSWORD: 'kong',
    KONG_PG_DATABASE: 'kong',
  };
  const boot = spawnSync(process.execPath, [BIN, 'migrations', 'bootstrap'], { env: { ...process.env, ...env, KONG_PREFIX: pg.baseDir }, encoding: 'utf8' });
  if (boot.status !== 0) throw new Error(`migrations bootstrap failed: ${boot.stderr.trim()}`);
  return startSilverback({ workers: 1, env });
}

/**
 * Admin API write and read rates on the embedded store and on PostgreSQL (a real server from
 * the test harness): sequential and concurrent creation, then paging through all routes.
 */
export async function main(): Promise<void> {
  const rows: Row[] = [];
  const embedded = await startSilverback({ workers: 1 });
  try {
    rows.push(...(await measureStore('embedded', embedded)));
  } finally {
    await stopProcess(embedded.child);
  }
  if (process.env.BENCH_ONLY !== 'embedded') {
    const pg = await startPostgres();
    try {
      const node = await postgresNode(pg);
      try {
        rows.push(...(await measureStore('postgres', node)));
      } finally {
        await stopProcess(node.child);
      }
    } finally {
      await pg.destroy();
    }
  }
  const lines = ['| datastore | operation | count | seconds | per second |', '|---|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.store} | ${r.what} | ${r.count} | ${r.seconds.toFixed(2)} | ${(r.count / r.seconds).toFixed(0)} |`);
  process.stdout.write(`\nadmin benchmark: Node ${process.version}\n\n${lines.join('\n')}\n`);
}
