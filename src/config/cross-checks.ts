/** Rules that involve more than one setting; each message names the setting and the fix. */

const PROTOCOL_OF_VERSION: Record<string, string[]> = {
  tlsv1_1: ['TLSv1.1'],
  tlsv1_2: ['TLSv1.2'],
  tlsv1_3: ['TLSv1.3'],
  any: ['TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
};
const KNOWN_PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export function parseProtocolList(text: string): string[] {
  return text.split(/[\s,]+/).filter((p) => p !== '');
}

export function validateCrossSettings(values: Record<string, unknown>, sources: Record<string, string>): string[] {
  const errors: string[] = [];

  if (sources.database === 'default') {
    const explicitPg = Object.keys(sources).filter((k) => k.startsWith('pg_') && sources[k] !== 'default');
    if (explicitPg.length > 0) {
      errors.push(`${explicitPg[0]}: set, but database is not (set database = postgres to use PostgreSQL; Silverback's default datastore is embedded)`);
    }
  }

  if (values.pg_ssl_cert && !values.pg_ssl_cert_key) {
    errors.push('pg_ssl_cert: set without pg_ssl_cert_key (set pg_ssl_cert_key to the client certificate\'s private key)');
  }
  if (values.pg_ssl_cert_key && !values.pg_ssl_cert) {
    errors.push('pg_ssl_cert_key: set without pg_ssl_cert (set pg_ssl_cert to the client certificate)');
  }

  const protocols = parseProtocolList(String(values.lua_ssl_protocols));
  const unknown = protocols.filter((p) => !KNOWN_PROTOCOLS.includes(p));
  if (unknown.length > 0) {
    errors.push(`lua_ssl_protocols: unknown protocol '${unknown[0]}' (TLSv1.1, TLSv1.2, TLSv1.3, space-separated)`);
  } else {
    for (const key of ['pg_ssl_version', 'pg_ro_ssl_version']) {
      const version = values[key] as string | null;
      if (!version) continue;
      const allowed = (PROTOCOL_OF_VERSION[version] ?? []).filter((p) => protocols.includes(p));
      if (allowed.length === 0) {
        errors.push(`${key}: ${version} is not allowed by lua_ssl_protocols '${values.lua_ssl_protocols}' (add it to lua_ssl_protocols or choose another version)`);
      }
    }
  }

  const workers = String(values.nginx_worker_processes);
  if (workers !== 'auto' && !/^[1-9]\d*$/.test(workers)) {
    errors.push(`nginx_worker_processes: invalid value '${workers}' (auto or a positive whole number)`);
  }

  if (values.database === 'off' && values.declarative_config && values.declarative_config_string) {
    errors.push('declarative_config_string: set together with declarative_config (set only one)');
  }

  const certs = values.ssl_cert as string[];
  const keys = values.ssl_cert_key as string[];
  if (certs.length !== keys.length) {
    errors.push(`ssl_cert_key: ${keys.length} keys for ${certs.length} certificates in ssl_cert (give one key per certificate, in the same order)`);
  }
  return errors;
}

/** Versions allowed for a link: pg_ssl_version ∩ lua_ssl_protocols, as Node's names. */
export function allowedTlsVersions(pgSslVersion: string, luaSslProtocols: string): string[] {
  const protocols = parseProtocolList(luaSslProtocols);
  return (PROTOCOL_OF_VERSION[pgSslVersion] ?? []).filter((p) => protocols.includes(p));
}
