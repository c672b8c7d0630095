import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLayout } from '../../pki/index.js';
import { buildChain, intermediateCount, openSslVerifyReason } from './verify-server.js';

const x = (pem: string) => new X509Certificate(pem);

describe('chain depth with OpenSSL semantics', () => {
  it('counts intermediates between leaf and anchor, trust store first, whatever the server sent', async () => {
    const two = await createLayout({ layout: 'two-intermediates' });
    const anchors = [x(two.root!.certPem)];
    const sent = two.intermediates.map((c) => x(c.certPem));
    const chain = buildChain(x(two.server.certPem), sent, anchors);
    expect(chain.map((c) => c.subject)).toEqual([
      x(two.server.certPem).subject, sent[0].subject, sent[1].subject, anchors[0].subject,
    ]);
    expect(intermediateCount(chain)).toBe(2); // lua_ssl_verify_depth 1 refuses it, 2 accepts it

    const direct = await createLayout({ layout: 'direct' });
    expect(intermediateCount(buildChain(x(direct.server.certPem), [], [x(direct.root!.certPem)]))).toBe(0);

    const self = await createLayout({ layout: 'self-signed' });
    expect(buildChain(x(self.server.certPem), [], [x(self.server.certPem)])).toHaveLength(1);
  });

  it("maps Node's verify codes to OpenSSL's numbered wording", () => {
    expect(openSslVerifyReason('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')).toBe('20: unable to get local issuer certificate');
    expect(openSslVerifyReason('UNABLE_TO_GET_ISSUER_CERT')).toBe('20: unable to get local issuer certificate');
    expect(openSslVerifyReason('SELF_SIGNED_CERT_IN_CHAIN')).toBe('19: self-signed certificate in certificate chain');
    expect(openSslVerifyReason('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('18: self-signed certificate');
    expect(openSslVerifyReason('CERT_HAS_EXPIRED')).toBe('10: certificate has expired');
    expect(openSslVerifyReason('CERT_REVOKED')).toBe('23: certificate revoked');
  });
});
