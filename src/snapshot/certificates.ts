import { createSecureContext, type SecureContext } from 'node:tls';
import type { Row } from '../plugins/types.js';

/**
 * SNI → certificate for the proxy's TLS listeners, compiled per snapshot. Kong looks for the
 * exact name, then a leading wildcard (`*.example.com`), then a trailing one (`example.*`).
 * Secure contexts are built on first use: most certificates are never asked for.
 */
export class CertificateIndex {
  private readonly bySni = new Map<string, Row>();
  private readonly contexts = new Map<string, SecureContext | null>();
  private readonly certificatesById = new Map<string, Row>();
  private readonly caById = new Map<string, Row>();

  constructor(certificates: readonly Row[], snis: readonly Row[], caCertificates: readonly Row[]) {
    for (const cert of certificates) {
      this.certificatesById.set(cert.id, cert);
      // Declarative input may carry the names on the certificate itself (Kong's transient `snis` field).
      if (Array.isArray(cert.snis)) for (const name of cert.snis) if (typeof name === 'string') this.bySni.set(name.toLowerCase(), cert);
    }
    for (const ca of caCertificates) this.caById.set(ca.id, ca);
    for (const sni of snis) {
      const cert = this.certificatesById.get(sni.certificate?.id);
      if (cert && typeof sni.name === 'string') this.bySni.set(sni.name.toLowerCase(), cert);
    }
  }

  /** The certificate row serving `servername`, if any SNI entry covers it. */
  lookup(servername: string | undefined): Row | undefined {
    if (!servername || this.bySni.size === 0) return undefined;
    const name = servername.toLowerCase().replace(/\.$/, '');
    const exact = this.bySni.get(name);
    if (exact) return exact;
    const dot = name.indexOf('.');
    if (dot > 0) {
      const prefixWildcard = this.bySni.get(`*${name.slice(dot)}`);
      if (prefixWildcard) return prefixWildcard;
    }
    const last = name.lastIndexOf('.');
    if (last > 0) return this.bySni.get(`${name.slice(0, last)}.*`);
    return undefined;
  }

  /** A secure context for the certificate row (RSA and ECDSA alternates both offered). */
  contextFor(cert: Row): SecureContext | null {
    let ctx = this.contexts.get(cert.id);
    if (ctx !== undefined) return ctx;
    try {
      const options: { cert: string[]; key: string[] } = { cert: [cert.cert], key: [cert.key] };
      if (cert.cert_alt && cert.key_alt) {
        options.cert.push(cert.cert_alt);
        options.key.push(cert.key_alt);
      }
      ctx = createSecureContext(options);
    } catch {
      ctx = null;
    }
    this.contexts.set(cert.id, ctx);
    return ctx;
  }

  certificate(id: string | undefined): Row | undefined {
    return id ? this.certificatesById.get(id) : undefined;
  }

  caCertificate(id: string): Row | undefined {
    return this.caById.get(id);
  }
}
