import cluster, { type Worker } from 'node:cluster';
import { writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { Logger } from '../log.js';
import { Backoff } from './backoff.js';
import { isMessage, type IpcEndpoint, type PrimaryToWorker, type ShippedSnapshot, type WorkerToPrimary } from './ipc-messages.js';
import { SharedCounterHost } from './shared-counters.js';
import { WorkerAsker, type WorkerFanout } from './worker-queries.js';

export interface WorkerPoolOptions {
  count: number;
  config: Config;
  log: Logger;
  /** How long a draining worker may finish in-flight requests before its connections are cut. */
  drainTimeoutMs?: number;
  /** How long a new worker may take to report ready. */
  readyTimeoutMs?: number;
}

interface Member {
  worker: Worker;
  generation: number;
  ready: boolean;
  draining: boolean;
  detachCounters: () => void;
  asker: WorkerAsker;
}

const THIS_FILE = fileURLToPath(import.meta.url);
const WORKER_ENTRY = join(THIS_FILE, '..', `worker-main${extname(THIS_FILE)}`);

/**
 * The primary's proxy workers (node:cluster, SCHED_NONE: the kernel spreads connections over
 * the workers' shared listening sockets). Ships every snapshot to each worker, replaces a
 * worker that dies, and reloads by starting a new generation before draining the old one.
 */
export class WorkerPool implements WorkerFanout {
  private readonly members = new Map<number, Member>();
  private readonly counters = new SharedCounterHost();
  private readonly respawnBackoff = new Backoff(100, 5_000);
  private generation = 0;
  private latest: ShippedSnapshot | null = null;
  private config: Config;
  private stopping = false;
  private lastRespawn = 0;

  constructor(private readonly opts: WorkerPoolOptions) {
    this.config = opts.config;
  }

  /** Process ids of the serving workers (for `GET /` and tests). */
  pids(): number[] {
    return [...this.members.values()].filter((m) => !m.draining).map((m) => m.worker.process.pid ?? 0).filter(Boolean);
  }

  /**
   * Asks every serving worker (see worker-queries.ts). Workers that fail or time out are left
   * out and logged: a scrape or purge reflects the workers that could answer.
   */
  async ask<T>(topic: string, payload?: unknown): Promise<T[]> {
    const serving = [...this.members.values()].filter((m) => m.ready && !m.draining && m.worker.isConnected());
    const settled = await Promise.allSettled(serving.map((m) => m.asker.ask(topic, payload)));
    const answers: T[] = [];
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') answers.push(s.value as T);
      else this.opts.log.warn({ pid: serving[i].worker.process.pid, topic, err: (s.reason as Error).message }, 'a proxy worker did not answer');
    });
    return answers;
  }

  /** Forks the first generation; rejects with the first worker's error if one cannot start. */
  async start(initial: ShippedSnapshot | null): Promise<void> {
    this.latest = initial;
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ exec: WORKER_ENTRY, args: [], serialization: 'advanced' });
    this.generation = 1;
    await Promise.all(Array.from({ length: this.opts.count }, () => this.fork(this.generation)));
    this.writePids();
  }

  /** Sends a new snapshot to every worker (and to workers started later). */
  publish(snapshot: ShippedSnapshot): void {
    this.latest = snapshot;
    const msg: PrimaryToWorker = { type: 'sb:snapshot', snapshot };
    for (const m of this.members.values()) if (m.ready && !m.draining) m.worker.send(msg);
  }

  /**
   * `silverback reload`: a new generation with the re-read configuration starts and serves
   * before the old one drains, so no request is refused and in-flight ones complete.
   */
  async reload(config: Config, count = this.opts.count): Promise<void> {
    this.config = config;
    const old = [...this.members.values()].filter((m) => m.generation === this.generation);
    const generation = ++this.generation;
    await Promise.all(Array.from({ length: count }, () => this.fork(generation)));
    this.opts.log.info({ generation, workers: count }, 'reload: new workers serve; draining the previous ones');
    await Promise.all(old.map((m) => this.drain(m)));
    this.writePids();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.members.values()].map((m) => this.drain(m)));
  }

  private fork(generation: number): Promise<Member> {
    const worker = cluster.fork({ SILVERBACK_WORKER_GENERATION: String(generation) });
    const member: Member = {
      worker,
      generation,
      ready: false,
      draining: false,
      detachCounters: this.counters.attach(worker as unknown as IpcEndpoint),
      asker: new WorkerAsker(worker as unknown as IpcEndpoint),
    };
    this.members.set(worker.id, member);
    worker.on('exit', (code, signal) => this.exited(member, code, signal));
    return new Promise<Member>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        worker.kill('SIGKILL');
        reject(new GatewayError(ErrorCode.INTERNAL, `a proxy worker did not start within ${(this.opts.readyTimeoutMs ?? 60_000) / 1000} s`));
      }, this.opts.readyTimeoutMs ?? 60_000);
      const onMessage = (m: unknown) => {
        if (!isMessage<WorkerToPrimary>(m)) return;
        if (m.type === 'sb:hello') {
          const init: PrimaryToWorker = { type: 'sb:init', config: this.config, snapshot: this.latest };
          worker.send(init);
        } else if (m.type === 'sb:ready') {
          cleanup();
          member.ready = true;
          // A snapshot published while this worker was starting.
          if (this.latest && m.version !== this.latest.version) worker.send({ type: 'sb:snapshot', snapshot: this.latest } satisfies PrimaryToWorker);
          this.opts.log.info({ pid: worker.process.pid, generation }, 'proxy worker started');
          resolve(member);
        } else if (m.type === 'sb:failed') {
          cleanup();
          reject(new GatewayError(ErrorCode.INTERNAL, `a proxy worker failed to start: ${m.error}`));
        }
      };
      const onEarlyExit = (code: number | null) => {
        cleanup();
        reject(new GatewayError(ErrorCode.INTERNAL, `a proxy worker exited during start (code ${code}); see the log for the reason`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onEarlyExit);
      };
      worker.on('message', onMessage);
      worker.once('exit', onEarlyExit);
      // Keep listening for later messages (applied, …) without leaking the start handlers.
    }).then((m) => {
      worker.on('message', (msg: unknown) => {
        if (isMessage<WorkerToPrimary>(msg) && msg.type === 'sb:applied') this.opts.log.debug({ pid: worker.process.pid, version: msg.version }, 'worker applied snapshot');
      });
      return m;
    });
  }

  private drain(m: Member): Promise<void> {
    m.draining = true;
    return new Promise((resolve) => {
      if (m.worker.isDead()) return resolve();
      const timeoutMs = this.opts.drainTimeoutMs ?? 30_000;
      const killer = setTimeout(() => m.worker.kill('SIGKILL'), timeoutMs + 5_000);
      m.worker.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      if (m.worker.isConnected()) m.worker.send({ type: 'sb:drain', timeoutMs } satisfies PrimaryToWorker);
      else m.worker.kill('SIGTERM');
    });
  }

  private exited(m: Member, code: number | null, signal: string | null): void {
    m.detachCounters();
    m.asker.close();
    this.members.delete(m.worker.id);
    if (this.stopping || m.draining || !m.ready) return;
    this.opts.log.error({ pid: m.worker.process.pid, code, signal }, 'proxy worker died; starting a replacement');
    // A worker that dies at once again and again is restarted ever more slowly.
    const delay = Date.now() - this.lastRespawn < 10_000 ? this.respawnBackoff.next() : 0;
    if (delay === 0) this.respawnBackoff.reset();
    this.lastRespawn = Date.now();
    setTimeout(() => {
      if (this.stopping || m.generation !== this.generation) return;
      this.fork(m.generation).then(
        () => this.writePids(),
        (err) => this.opts.log.error({ err: (err as Error).message }, 'replacement proxy worker failed to start'),
      );
    }, delay);
  }

  /** `<prefix>/pids/workers`: one pid per line, for operators (and tests) to find the workers. */
  private writePids(): void {
    try {
      writeFileSync(join(this.config.prefix, 'pids', 'workers'), this.pids().map((p) => `${p}\n`).join(''));
    } catch {
      // The prefix is checked at start; a failure here only loses an informational file.
    }
  }
}
