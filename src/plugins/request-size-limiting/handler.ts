import type { Pdk, PluginHandler } from '../types.js';
import { VERSION } from '../../version.js';
import { UNIT_BYTES, type RequestSizeLimitingConfig } from './schema.js';

function refuseIfTooLarge(kong: Pdk, conf: RequestSizeLimitingConfig, length: number): void {
  if (length <= conf.allowed_payload_size * UNIT_BYTES[conf.size_unit]) return;
  // A client waiting on `Expect: 100-continue` has not sent the body: 417 tells it not to.
  const expect = kong.request.getHeader('expect');
  kong.response.error(expect?.trim().toLowerCase() === '100-continue' ? 417 : 413, 'Request size limit exceeded');
}

async function access(kong: Pdk, conf: RequestSizeLimitingConfig): Promise<void> {
  const declared = kong.request.getHeader('content-length');
  if (declared !== undefined && declared.trim() !== '' && Number.isFinite(Number(declared))) {
    return refuseIfTooLarge(kong, conf, Number(declared));
  }
  const chunked = (kong.request.getHeader('transfer-encoding') ?? '').toLowerCase().includes('chunked');
  if (conf.require_content_length && !chunked) kong.response.error(411, 'A valid Content-Length header is required');
  // No usable Content-Length (chunked): the body has to be read to be measured.
  const body = await kong.request.getRawBody();
  refuseIfTooLarge(kong, conf, body.length);
}

export const requestSizeLimitingHandler: PluginHandler<RequestSizeLimitingConfig> = {
  name: 'request-size-limiting',
  priority: 951,
  version: VERSION,
  phases: { access },
};
