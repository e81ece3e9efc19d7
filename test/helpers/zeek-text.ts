// Small Zeek TSV logs written by tests, exactly in Zeek's layout, for the cases no real fixture has.
export const CONN_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'tunnel_parents'];
export const CONN_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port', 'enum', 'string', 'interval', 'count', 'count', 'string', 'bool', 'bool', 'count', 'string', 'set[string]'];

export function header(path: string, fields = CONN_FIELDS, types = CONN_TYPES): string {
  return [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    `#path\t${path}`,
    '#open\t2018-01-01-00-00-00',
    `#fields\t${fields.join('\t')}`,
    `#types\t${types.join('\t')}`,
  ].join('\n') + '\n';
}

export function connRow(i: number, over: Partial<Record<string, string>> = {}): string {
  const v: Record<string, string> = {
    ts: (1514764800 + i).toFixed(6),
    uid: `C${i.toString(36).padStart(8, '0')}`,
    'id.orig_h': `10.20.${(i >> 8) & 255}.${i & 255}`,
    'id.orig_p': String(40000 + (i % 20000)),
    'id.resp_h': '93.184.216.34',
    'id.resp_p': '443',
    proto: 'tcp',
    service: 'ssl',
    duration: '1.250000',
    orig_bytes: '100',
    resp_bytes: '2000',
    conn_state: 'SF',
    local_orig: 'T',
    local_resp: 'F',
    missed_bytes: '0',
    history: 'ShADadFf',
    tunnel_parents: '(empty)',
    ...over,
  };
  return CONN_FIELDS.map((f) => v[f]).join('\t') + '\n';
}

export const CLOSE = '#close\t2018-01-01-01-00-00\n';

export function connLog(n: number, start = 0): string {
  let s = header('conn');
  for (let i = start; i < start + n; i++) s += connRow(i);
  return s + CLOSE;
}
