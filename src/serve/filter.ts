// The web UI's filter, from the query string: a date range (UTC days, the end day included, or instants),
// a device class and a device address. Anything else is refused with a message.
import { parseAddress } from '../privacy/addresses.ts';
import { parseBound } from '../report/window.ts';
import { UsageError } from '../util/errors.ts';

export interface Filter {
  from?: Date;
  to?: Date;
  deviceClass?: string;
  device?: string;
}

export function parseFilter(q: URLSearchParams): Filter {
  const f: Filter = {};
  const from = q.get('from');
  const to = q.get('to');
  if (from) f.from = parseBound(from, 'from');
  if (to) f.to = parseBound(to, 'to');
  if (f.from && f.to && f.from >= f.to) throw new UsageError('from must be before to');
  const cls = q.get('class');
  if (cls) {
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(cls)) throw new UsageError('class: lowercase words joined by dashes');
    f.deviceClass = cls;
  }
  const device = q.get('device')?.trim();
  if (device) {
    if (parseAddress(device) === undefined) throw new UsageError('device: an IP address');
    f.device = device;
  }
  return f;
}

export function filterKey(f: Filter): string {
  return JSON.stringify([f.from?.toISOString() ?? null, f.to?.toISOString() ?? null, f.deviceClass ?? null, f.device ?? null]);
}

export function describeFilter(f: Filter): string {
  const parts: string[] = [];
  if (f.deviceClass) parts.push(`class ${f.deviceClass}`);
  if (f.device) parts.push(`device ${f.device}`);
  return parts.length > 0 ? `traffic of ${parts.join(', ')}` : 'all traffic';
}
