/** The upstreams `healthchecks` record: active probes and passive (circuit-breaker) counters. */
import type { FieldDef } from '../types.js';
import * as t from '../typedefs.js';

const seconds = (def: number): FieldDef => ({ type: 'number', between: [0, 65535], default: def });
const oneByte = (def: number): FieldDef => ({ type: 'integer', between: [0, 255], default: def });
const statuses = (def: number[]): FieldDef => ({
  type: 'array',
  default: def,
  elements: { type: 'integer', between: [100, 999] },
});
const checkType = (): FieldDef => ({ type: 'string', one_of: ['tcp', 'http', 'https', 'grpc', 'grpcs'], default: 'http' });

const ACTIVE_HEALTHY = [200, 302];
const ACTIVE_UNHEALTHY = [429, 404, 500, 501, 502, 503, 504, 505];
const PASSIVE_HEALTHY = [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308];
const PASSIVE_UNHEALTHY = [429, 500, 503];

const activeHealthy = { interval: 0, http_statuses: ACTIVE_HEALTHY, successes: 0 };
const activeUnhealthy = { interval: 0, http_statuses: ACTIVE_UNHEALTHY, tcp_failures: 0, timeouts: 0, http_failures: 0 };
const passiveHealthy = { http_statuses: PASSIVE_HEALTHY, successes: 0 };
const passiveUnhealthy = { http_statuses: PASSIVE_UNHEALTHY, tcp_failures: 0, timeouts: 0, http_failures: 0 };

const activeDefault = {
  type: 'http',
  timeout: 1,
  concurrency: 10,
  http_path: '/',
  https_verify_certificate: true,
  healthy: activeHealthy,
  unhealthy: activeUnhealthy,
};
const passiveDefault = { type: 'http', healthy: passiveHealthy, unhealthy: passiveUnhealthy };

export const healthchecks: FieldDef = {
  type: 'record',
  description: 'The array of healthchecks.',
  default: { active: activeDefault, passive: passiveDefault },
  fields: {
    active: {
      type: 'record',
      default: activeDefault,
      fields: {
        type: checkType(),
        timeout: seconds(1),
        concurrency: { type: 'integer', between: [1, 2 ** 31], default: 10 },
        http_path: t.path({ default: '/' }),
        https_sni: t.sni({ required: false }),
        https_verify_certificate: { type: 'boolean', default: true, required: true },
        headers: t.headers({ required: false }),
        healthy: {
          type: 'record',
          default: activeHealthy,
          fields: { interval: seconds(0), http_statuses: statuses(ACTIVE_HEALTHY), successes: oneByte(0) },
        },
        unhealthy: {
          type: 'record',
          default: activeUnhealthy,
          fields: {
            interval: seconds(0),
            http_statuses: statuses(ACTIVE_UNHEALTHY),
            tcp_failures: oneByte(0),
            timeouts: oneByte(0),
            http_failures: oneByte(0),
          },
        },
      },
    },
    passive: {
      type: 'record',
      default: passiveDefault,
      fields: {
        type: checkType(),
        healthy: {
          type: 'record',
          default: passiveHealthy,
          fields: { http_statuses: statuses(PASSIVE_HEALTHY), successes: oneByte(0) },
        },
        unhealthy: {
          type: 'record',
          default: passiveUnhealthy,
          fields: {
            http_statuses: statuses(PASSIVE_UNHEALTHY),
            tcp_failures: oneByte(0),
            timeouts: oneByte(0),
            http_failures: oneByte(0),
          },
        },
      },
    },
    threshold: { type: 'number', default: 0, between: [0, 100] },
  },
};
