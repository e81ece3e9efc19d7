// What analysis A decides from answer addresses, once per distinct address: whether it lies in the internal
// networks (rule b) and whether a botnet feed or a blocklist lists it (an address or a network range). Answers
// that are not addresses (CNAME targets, PTR names, TXT strings) carry no such facts.
import type { DuckDBConnection } from '@duckdb/node-api';
import { NetworkSet, parseAddress, bytesToIPv4, type Network } from '../privacy/addresses.ts';
import { P } from './dns-feeds.ts';

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * TEMP TABLE dnsc_addrflag(addr, inside, bot, blk): the distinct answer addresses of dnsc_pair that are inside
 * or listed (bot/blk: struct of snapshot_id, family; the lowest snapshot id when several list it).
 * `nets` empty: rule (b) cannot apply and `inside` is false everywhere.
 */
export async function flagAnswers(conn: DuckDBConnection, nets: readonly Network[]): Promise<void> {
  const internal = nets.length ? new NetworkSet(nets.map((n) => n.text)) : null;
  const r = await conn.runAndReadAll(`SELECT DISTINCT a FROM (SELECT unnest(answers) AS a FROM ${P}_pair WHERE answers IS NOT NULL) WHERE a IS NOT NULL`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_addr (addr VARCHAR, inside BOOLEAN, version TINYINT, num UHUGEINT)`);
  const app = await conn.createAppender(`${P}_addr`, 'main', 'temp');
  for (const [a] of r.getRows()) {
    const text = String(a);
    const parsed = parseAddress(text);
    if (!parsed) continue;
    app.appendVarchar(text);
    app.appendBoolean(internal ? internal.has(text) : false);
    app.appendTinyInt(parsed.family);
    // the feed encoding (intel/ip.ts): IPv4 as its 32-bit value, IPv6 as its 128-bit value
    app.appendUHugeInt(parsed.family === 4 ? BigInt(bytesToIPv4(parsed.bytes)) : toBigInt(parsed.bytes));
    app.endRow();
  }
  app.closeSync();
  // single addresses by equality, ranges by a range join (each without a version equality, which would turn
  // the range join into a nested loop over one family)
  const listed = (family: 4 | 6) => `
    SELECT a.addr, l.kind, l.snapshot_id, l.family FROM (SELECT * FROM ${P}_addr WHERE version = ${family}) a
      JOIN (SELECT * FROM ${P}_listip WHERE version = ${family} AND lo = hi) l ON l.lo = a.num
    UNION ALL
    SELECT a.addr, l.kind, l.snapshot_id, l.family FROM (SELECT * FROM ${P}_addr WHERE version = ${family}) a
      JOIN (SELECT * FROM ${P}_listip WHERE version = ${family} AND lo < hi) l ON a.num >= l.lo AND a.num <= l.hi`;
  const pick = (kind: string) => `arg_min(struct_pack(snapshot_id := m.snapshot_id, family := m.family), m.snapshot_id) FILTER (WHERE m.kind = '${kind}')`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${P}_addrflag AS
    WITH m AS (${listed(4)} UNION ALL ${listed(6)})
    SELECT a.addr, a.inside, ${pick('botnet')} AS bot, ${pick('blocklist')} AS blk
    FROM ${P}_addr a LEFT JOIN m ON m.addr = a.addr
    GROUP BY a.addr, a.inside
    HAVING a.inside OR bot IS NOT NULL OR blk IS NOT NULL`);
}
