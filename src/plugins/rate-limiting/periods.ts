/** Kong's rate-limiting windows: calendar periods in UTC, each with a fixed expiry (expiration.lua). */
export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** Seconds a counter lives; Kong uses 30 days for a month and 365 for a year whatever the calendar says. */
export const EXPIRATION: Readonly<Record<Period, number>> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86400,
  month: 2592000,
  year: 31536000,
};

/** Start of the window containing `nowMs`, in ms since the epoch (Kong's timestamp.get_timestamps). */
export function periodStart(period: Period, nowMs: number): number {
  const d = new Date(Math.floor(nowMs / 1000) * 1000);
  switch (period) {
    case 'second':
      return d.getTime();
    case 'minute':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
    case 'hour':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

/** Seconds until the window resets as Kong reports it (never below 1). */
export function secondsToReset(period: Period, nowMs: number): number {
  return Math.max(1, EXPIRATION[period] - Math.floor((Math.floor(nowMs / 1000) * 1000 - periodStart(period, nowMs)) / 1000));
}

export function capitalized(period: Period): string {
  return period[0].toUpperCase() + period.slice(1);
}
