/** ca_certificates (kong/db/schema/entities/ca_certificates.lua); `cert_digest` is computed on write. */
import type { EntityDef } from '../types.js';
import * as t from '../typedefs.js';
import { certificateDigest, parseCertificate } from '../support/pem.js';

const CERT_TAG = '-----BEGIN CERTIFICATE-----';

function checkCaCertificate(pem: string, now: number): string | undefined {
  const first = pem.indexOf(CERT_TAG);
  if (first >= 0 && pem.indexOf(CERT_TAG, first + CERT_TAG.length) >= 0) return 'please submit only one certificate at a time';
  const parsed = parseCertificate(pem);
  if (!parsed.ok) return undefined; // the field's own validator already reported it
  if (new Date(parsed.cert.validTo).getTime() < now) return 'certificate expired, "Not After" time is in the past';
  if (!parsed.cert.ca) return 'certificate does not appear to be a CA because it is missing the "CA" basic constraint';
  return undefined;
}

export const caCertificates: EntityDef = {
  name: 'ca_certificates',
  primaryKey: ['id'],
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    updated_at: t.autoTimestampS(),
    cert: t.certificate({ required: true }),
    cert_digest: { type: 'string', unique: true },
    tags: t.tags(),
  },
  entityChecks: [{ custom_entity_check: { field_sources: ['cert'], fn: (e) => checkCaCertificate(e.cert as string, Date.now()) } }],
  transformations: [
    {
      input: ['cert'],
      onWrite: (cert: string) => {
        const digest = certificateDigest(cert);
        return digest ? { cert_digest: digest } : 'cannot create digest value of certificate';
      },
    },
  ],
};
