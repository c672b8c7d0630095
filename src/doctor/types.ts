/** What `silverback doctor` found, step by step (spec §6); `--json` prints this object. */

export type StepStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** The named diagnoses doctor tells apart; tests assert on these. */
export type DoctorCause =
  | 'config'
  | 'server-down'
  | 'timeout'
  | 'server-without-tls'
  | 'server-requires-tls'
  | 'wrong-ca'
  | 'chain-too-long'
  | 'server-cert-expired'
  | 'server-cert-revoked'
  | 'name-mismatch'
  | 'tls-version'
  | 'client-cert-missing'
  | 'client-cert-untrusted'
  | 'client-cert-revoked'
  | 'client-cert-expired'
  | 'client-cert-invalid'
  | 'client-key-permissions'
  | 'cn-mismatch'
  | 'wrong-password'
  | 'no-hba-entry'
  | 'unknown';

export interface DoctorStep {
  id: 'settings' | 'client-certificate' | 'trust-store' | 'tcp' | 'tls-offered' | 'tls-handshake' | 'server-certificate' | 'authentication' | 'session';
  title: string;
  status: StepStatus;
  /** One-line summary of what was seen. */
  summary: string;
  /** Further lines: certificate subjects, days left, notes. */
  details: string[];
  /** On failure: the error as the link reports it, the named cause, and the fix in setting names. */
  reason?: string;
  cause?: DoctorCause;
  fix?: string;
}

export interface CertificateExpiry {
  role: 'client' | 'trust anchor' | 'server chain';
  subject: string;
  serialHex: string;
  notAfter: string;
  daysLeft: number;
  /** The file it came from, or `server` for what the server sent. */
  source: string;
}

export interface ServerSession {
  ssl: boolean;
  version: string | null;
  cipher: string | null;
  bits: number | null;
  clientDn: string | null;
  /** Decimal, as pg_stat_ssl shows it. */
  clientSerial: string | null;
  issuerDn: string | null;
  user: string;
}

export interface DoctorReport {
  ok: boolean;
  database: string;
  /** host:port of the primary link, when database = postgres. */
  target?: string;
  steps: DoctorStep[];
  firstFailure?: { step: DoctorStep['id']; cause: DoctorCause; reason: string; fix: string };
  session?: ServerSession;
  certificates: CertificateExpiry[];
}

/** Certificates expiring within this many days are called out (spec §7). */
export const EXPIRY_WARNING_DAYS = 30;
