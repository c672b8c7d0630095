import { KONG_COMPAT_VERSION, VERSION } from '../version.js';
import { out } from './context.js';

export function versionCommand(all: boolean): number {
  out(`Silverback ${VERSION} (Kong ${KONG_COMPAT_VERSION} compatible)`);
  if (all) {
    out(`Node.js: ${process.version}`);
    out(`OpenSSL: ${process.versions.openssl}`);
  }
  return 0;
}
