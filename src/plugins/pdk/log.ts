import type { Logger } from '../../log.js';
import type { ProxyRequest } from '../../proxy/pipeline/request-state.js';
import type { SerializeMode } from '../log-serializer.js';
import type { PdkLog } from '../types.js';
import { measuresOf, serializeRequest } from './serialize.js';

function text(args: unknown[]): string {
  return args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join('');
}

/** kong.log: lines tagged with the plugin and request id, as Kong's namespaced logger does. */
export class LogPdk implements PdkLog {
  constructor(
    private readonly r: ProxyRequest,
    private readonly log: Logger,
  ) {}

  private fields() {
    return { plugin: this.r.currentPlugin?.name, request_id: this.r.id };
  }
  debug(...args: unknown[]) {
    if (this.log.isLevelEnabled('debug')) this.log.debug(this.fields(), text(args));
  }
  info(...args: unknown[]) {
    this.log.info(this.fields(), text(args));
  }
  notice(...args: unknown[]) {
    this.log.info(this.fields(), text(args));
  }
  warn(...args: unknown[]) {
    this.log.warn(this.fields(), text(args));
  }
  err(...args: unknown[]) {
    this.log.error(this.fields(), text(args));
  }
  crit(...args: unknown[]) {
    this.log.fatal(this.fields(), text(args));
  }
  serialize() {
    return serializeRequest(this.r);
  }
  measures() {
    return measuresOf(this.r);
  }
  setSerializeValue(key: string, value: unknown, mode: SerializeMode = 'set') {
    if (mode !== 'set' && mode !== 'add' && mode !== 'replace') throw new TypeError(`kong.log.setSerializeValue: mode must be 'set', 'add' or 'replace', got '${String(mode)}'`);
    (this.r.serializeValues ??= []).push({ key, value, mode });
  }
}
