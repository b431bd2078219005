// Calendar constants of the hourly grid every stage works on (periods are epoch milliseconds, UTC).

export const HOUR_MS = 3_600_000;
export const DAY_HOURS = 24;
export const DAY_MS = DAY_HOURS * HOUR_MS;
export const WEEK_HOURS = 7 * DAY_HOURS;
