/** certificates (kong/db/schema/entities/certificates.lua). */
import type { EntityDef } from '../types.js';
import * as t from '../typedefs.js';
import { certificateKeyType, certificateMatchesKey, parseCertificate, parseKey } from '../support/pem.js';

const loadable = (cert: unknown, key: unknown) =>
  typeof cert === 'string' && typeof key === 'string' && parseCertificate(cert).ok && parseKey(key).ok;

export const certificates: EntityDef = {
  name: 'certificates',
  primaryKey: ['id'],
  workspaceable: true,
  fields: {
    id: t.uuid(),
    created_at: t.autoTimestampS(),
    updated_at: t.autoTimestampS(),
    cert: t.certificate({ required: true, referenceable: true }),
    key: t.key({ required: true, referenceable: true, encrypted: true }),
    cert_alt: t.certificate({ required: false, referenceable: true }),
    key_alt: t.key({ required: false, referenceable: true, encrypted: true }),
    tags: t.tags(),
    // Transient: on write the DAO turns these names into snis entities; GET fills them back in.
    snis: { type: 'array', elements: t.wildcardHost(), required: false, transient: true },
  },
  entityChecks: [
    { mutually_required: ['cert_alt', 'key_alt'] },
    {
      custom_entity_check: {
        field_sources: ['cert', 'key'],
        fn: (e) => (loadable(e.cert, e.key) && !certificateMatchesKey(e.cert as string, e.key as string) ? 'certificate does not match key' : undefined),
      },
    },
    {
      custom_entity_check: {
        field_sources: ['cert_alt', 'key_alt'],
        fn: (e) =>
          loadable(e.cert_alt, e.key_alt) && !certificateMatchesKey(e.cert_alt as string, e.key_alt as string)
            ? 'alternative certificate does not match key'
            : undefined,
      },
    },
    {
      custom_entity_check: {
        field_sources: ['cert', 'cert_alt'],
        fn: (e) => {
          if (typeof e.cert !== 'string' || typeof e.cert_alt !== 'string') return undefined;
          const a = certificateKeyType(e.cert);
          const b = certificateKeyType(e.cert_alt);
          return a !== undefined && a === b
            ? 'certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type'
            : undefined;
        },
      },
    },
  ],
};
