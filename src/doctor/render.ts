import { EXPIRY_WARNING_DAYS, type DoctorReport, type StepStatus } from './types.js';

const MARKS: Record<StepStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };

/** The checklist `silverback doctor` prints: one line per step, cause and fix under the first failure. */
export function renderReport(report: DoctorReport): string[] {
  const lines: string[] = [];
  lines.push(report.target ? `PostgreSQL link to ${report.target}:` : `database = ${report.database}:`);
  let explained = false;
  for (const s of report.steps) {
    lines.push(`  ${MARKS[s.status]} ${s.title}: ${s.summary}`);
    for (const d of s.details) lines.push(`      ${d}`);
    if (s.status === 'fail' && !explained) {
      explained = true;
      lines.push(`      cause: ${s.cause ?? 'unknown'}`);
      if (s.fix) lines.push(`      fix:   ${s.fix}`);
    } else if (s.status === 'warn' && s.fix) {
      lines.push(`      fix:   ${s.fix}`);
    }
  }
  if (report.certificates.length > 0) {
    lines.push('', 'Certificates:');
    for (const c of report.certificates) {
      const flag = c.daysLeft < 0 ? '  EXPIRED' : c.daysLeft < EXPIRY_WARNING_DAYS ? '  expires soon' : '';
      lines.push(`  ${c.role.padEnd(12)} ${c.subject}, serial ${c.serialHex}, until ${c.notAfter.slice(0, 10)} (${c.daysLeft} days)${flag}  [${c.source}]`);
    }
  }
  lines.push('', report.ok ? 'All checks passed.' : `First failure: ${report.firstFailure?.step} (${report.firstFailure?.cause})`);
  return lines;
}
