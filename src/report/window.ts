// The report window from the command line or the web UI's filter: a day or an instant, UTC.
import { UsageError } from '../util/errors.ts';
import { safeText } from '../util/terminal.ts';

/**
 * A day (YYYY-MM-DD, UTC) or an instant (ISO 8601; UTC unless it names an offset). As an end bound a day
 * means "up to the end of that day", so --from 2018-01-01 --to 2018-01-31 covers all of January.
 */
export function parseBound(text: string, flag: string, end = flag === '--to' || flag === 'to'): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  let d: Date;
  if (day) {
    d = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    if (d.toISOString().slice(0, 10) !== text) throw new UsageError(`${flag}: not a calendar date: ${text}`);
    if (end) d = new Date(d.getTime() + 86_400_000);
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
    const iso = text.replace(' ', 'T');
    d = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  } else {
    throw new UsageError(`${flag}: expected a date (2018-01-31) or an ISO 8601 time (2018-01-31T12:00:00Z), got ${safeText(text)}`);
  }
  if (Number.isNaN(d.getTime())) throw new UsageError(`${flag}: not a valid time: ${safeText(text)}`);
  return d;
}

