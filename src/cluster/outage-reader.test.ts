import { describe, expect, it } from 'vitest';
import { emptyReader, type EntityReader } from '../dao/index.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { getEntity } from '../schema/index.js';
import '../schema/index.js';
import { outageTolerantReader } from './outage-reader.js';

const service = { id: '0b1e7c4e-52a4-4d0e-9c55-3c3f0f7a1a11', name: 'snap', host: 'example.test' };
const rows = () => ({ services: [service] });

const failing = (err: unknown): EntityReader => ({
  select: async () => Promise.reject(err),
  page: async () => Promise.reject(err),
  count: async () => Promise.reject(err),
  pageTags: async () => Promise.reject(err),
});

describe('outageTolerantReader', () => {
  const services = () => getEntity('services');

  it('reads SQL while the database is reachable', async () => {
    const reader = outageTolerantReader(emptyReader, rows, () => ({ reachable: true }));
    expect(await reader.select(services(), { id: service.id })).toBeNull();
  });

  it('reads the snapshot while the database is down', async () => {
    const reader = outageTolerantReader(failing(new Error('must not be called')), rows, () => ({ reachable: false }));
    expect((await reader.select(services(), { id: service.id }))?.name).toBe('snap');
    expect(await reader.count(services())).toBe(1);
  });

  it('falls back when a query fails for lack of a connection, not for other errors', async () => {
    const connect = new GatewayError(ErrorCode.DATASTORE_CONNECT, 'connection refused');
    expect((await outageTolerantReader(failing(connect), rows, () => ({ reachable: true })).select(services(), { id: service.id }))?.name).toBe('snap');
    const other = new GatewayError(ErrorCode.DATABASE_ERROR, 'syntax error');
    await expect(outageTolerantReader(failing(other), rows, () => ({ reachable: true })).select(services(), { id: service.id })).rejects.toBe(other);
  });

  it('answers 503 for an entity the snapshot does not hold', async () => {
    const reader = outageTolerantReader(emptyReader, () => ({}), () => ({ reachable: false }));
    await expect(reader.count(services())).rejects.toMatchObject({ status: 503 });
  });
});
