// The TLS knowledge tables as DuckDB temp tables, so an analysis can join ssl.log columns against them:
//   tls_versions   ON ssl.version = tls_versions.version
//   tls_suites     ON ssl.cipher = tls_suites.name        (Zeek's and IANA's spellings both present)
//   tls_curves     ON ssl.curve = tls_curves.name
//   tls_validation ON lower(trim(ssl.validation_status)) = tls_validation.status   (NULL status: unavailable)
// Values the tables do not list (unknown-N, names from other Zeek versions) can be passed as `observed`; they are
// added with known = false (or resolved by code point), so a join never silently drops a row. Rows go in through
// an appender, never string-built SQL.
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { hashQuality } from './cipher-class.ts';
import { allCipherSuites, assessCipher, lookupCipherSuite } from './cipher-suites.ts';
import { allCurves, lookupCurve, type CurveInfo } from './curves.ts';
import { mozillaVersionTier } from './mozilla-tier.ts';
import { normalizeValidationStatus, knownValidationStatuses } from './validation.ts';
import { describeVersion, isTls12OrAbove, knownVersionStrings } from './versions.ts';

type Cell = string | number | boolean | null;
type ColumnType = 'VARCHAR' | 'INTEGER' | 'BOOLEAN';

interface TableSpec<R> {
  name: string;
  key: string;
  columns: readonly (readonly [column: string, type: ColumnType, get: (row: R) => Cell])[];
}

export interface ObservedTlsValues {
  versions?: Iterable<string>;
  ciphers?: Iterable<string>;
  curves?: Iterable<string>;
  validationStatuses?: Iterable<string>;
}

export const TLS_KNOWLEDGE_TABLES = ['tls_versions', 'tls_suites', 'tls_curves', 'tls_validation'] as const;

function append(app: DuckDBAppender, type: ColumnType, value: Cell): void {
  if (value === null) app.appendNull();
  else if (type === 'VARCHAR') app.appendVarchar(String(value));
  else if (type === 'INTEGER') app.appendInteger(Number(value));
  else app.appendBoolean(Boolean(value));
}

async function createAndFill<R>(conn: DuckDBConnection, spec: TableSpec<R>, rows: R[]): Promise<number> {
  // identifiers come from the specs in this file, never from data
  const cols = spec.columns.map(([c, t]) => `${c} ${t}${c === spec.key ? ' PRIMARY KEY' : ''}`).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${spec.name} (${cols})`);
  const app = await conn.createAppender(spec.name, 'main', 'temp');
  try {
    for (const row of rows) {
      for (const [, type, get] of spec.columns) append(app, type, get(row));
      app.endRow();
    }
  } finally {
    app.closeSync();
  }
  return rows.length;
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

type VersionRow = NonNullable<ReturnType<typeof describeVersion>>;
const VERSIONS: TableSpec<VersionRow> = {
  name: 'tls_versions',
  key: 'version',
  columns: [
    ['version', 'VARCHAR', (v) => v.version],
    ['code', 'INTEGER', (v) => v.code],
    ['family', 'VARCHAR', (v) => v.family],
    ['ordinal', 'INTEGER', (v) => v.ordinal],
    ['obsolete', 'BOOLEAN', (v) => v.obsolete],
    ['reported_apart', 'BOOLEAN', (v) => v.reportedApart],
    ['is_draft', 'BOOLEAN', (v) => v.isDraft],
    ['draft', 'INTEGER', (v) => v.draft],
    ['label', 'VARCHAR', (v) => v.label],
    ['known', 'BOOLEAN', (v) => v.known],
    ['tls12_or_above', 'BOOLEAN', (v) => isTls12OrAbove(v)],
    ['mozilla_tier', 'VARCHAR', (v) => mozillaVersionTier(v.mozillaName)],
  ],
};

interface SuiteRow {
  name: string;
  a: ReturnType<typeof assessCipher>;
  info: ReturnType<typeof lookupCipherSuite>;
}
const SUITES: TableSpec<SuiteRow> = {
  name: 'tls_suites',
  key: 'name',
  columns: [
    ['name', 'VARCHAR', (r) => r.name],
    ['code', 'INTEGER', (r) => r.info?.code ?? null],
    ['iana_name', 'VARCHAR', (r) => r.info?.iana ?? null],
    ['zeek_name', 'VARCHAR', (r) => r.info?.zeek ?? null],
    ['kind', 'VARCHAR', (r) => r.info?.kind ?? (r.a.suite ? 'suite' : null)],
    ['protocol', 'VARCHAR', (r) => r.a.suite?.protocol ?? null],
    ['key_exchange', 'VARCHAR', (r) => r.a.suite?.keyExchange ?? null],
    ['authentication', 'VARCHAR', (r) => r.a.suite?.authentication ?? null],
    ['cipher', 'VARCHAR', (r) => r.a.suite?.cipher ?? null],
    ['cipher_bits', 'INTEGER', (r) => r.a.suite?.cipherBits ?? null],
    ['mode', 'VARCHAR', (r) => r.a.suite?.mode ?? null],
    ['block_bits', 'INTEGER', (r) => r.a.suite?.blockBits ?? null],
    ['hash', 'VARCHAR', (r) => r.a.suite?.hash ?? null],
    ['hash_quality', 'VARCHAR', (r) => (r.a.suite ? hashQuality(r.a.suite.hash) : null)],
    ['aead', 'BOOLEAN', (r) => r.a.suite?.aead ?? null],
    ['forward_secrecy', 'BOOLEAN', (r) => r.a.suite?.forwardSecrecy ?? null],
    ['export', 'BOOLEAN', (r) => r.a.suite?.export ?? null],
    ['iana_recommended', 'VARCHAR', (r) => r.info?.recommended ?? null],
    // NULL for SCSV/GREASE values (never negotiated); 'unknown' for strings nothing identifies
    ['class', 'VARCHAR', (r) => (r.info && r.info.class === null ? null : r.a.class)],
    ['class_reasons', 'VARCHAR', (r) => r.a.reasons.join('; ')],
    ['mozilla_tier', 'VARCHAR', (r) => r.a.mozillaTier],
    ['known', 'BOOLEAN', (r) => r.a.source === 'table'],
  ],
};

interface CurveRow {
  name: string;
  c: CurveInfo | null;
}
const CURVES_SPEC: TableSpec<CurveRow> = {
  name: 'tls_curves',
  key: 'name',
  columns: [
    ['name', 'VARCHAR', (r) => r.name],
    ['code', 'INTEGER', (r) => r.c?.code ?? null],
    ['iana_name', 'VARCHAR', (r) => r.c?.iana ?? null],
    ['zeek_name', 'VARCHAR', (r) => r.c?.zeek ?? null],
    ['kind', 'VARCHAR', (r) => r.c?.kind ?? null],
    ['family', 'VARCHAR', (r) => r.c?.group?.family ?? null],
    ['bits', 'INTEGER', (r) => r.c?.group?.bits ?? null],
    ['post_quantum', 'BOOLEAN', (r) => r.c?.postQuantum ?? null],
    ['hybrid', 'BOOLEAN', (r) => r.c?.hybrid ?? null],
    ['classical_component', 'VARCHAR', (r) => r.c?.group?.classicalComponent ?? null],
    ['pq_component', 'VARCHAR', (r) => r.c?.group?.pqComponent ?? null],
    ['iana_recommended', 'VARCHAR', (r) => r.c?.recommended ?? null],
    ['obsolete', 'BOOLEAN', (r) => r.c?.obsolete ?? null],
    ['known', 'BOOLEAN', (r) => r.c !== null],
  ],
};

type ValidationRow = ReturnType<typeof normalizeValidationStatus> & { status: string };
const VALIDATION: TableSpec<ValidationRow> = {
  name: 'tls_validation',
  key: 'status',
  columns: [
    ['status', 'VARCHAR', (r) => r.status],
    ['category', 'VARCHAR', (r) => r.category],
    ['detail', 'VARCHAR', (r) => r.detail],
    ['known', 'BOOLEAN', (r) => r.known],
  ],
};

export interface LoadedTlsKnowledge {
  versions: number;
  suites: number;
  curves: number;
  validationStatuses: number;
}

/** Create (or replace) the four temp tables on this connection. */
export async function loadTlsKnowledge(conn: DuckDBConnection, observed: ObservedTlsValues = {}): Promise<LoadedTlsKnowledge> {
  const versionStrings = [...knownVersionStrings(), ...(observed.versions ?? [])];
  const versions = uniqueBy(
    versionStrings.map((v) => describeVersion(v)).filter((v): v is VersionRow => v !== null),
    (v) => v.version,
  );

  const suiteNames = allCipherSuites().flatMap((s) => [s.zeek, s.iana].filter((n): n is string => n !== null));
  const suites = uniqueBy([...suiteNames, ...(observed.ciphers ?? [])].map((n) => n.trim()).filter((n) => n !== '' && n !== '-'), (n) => n)
    .map((name) => ({ name, a: assessCipher(name), info: lookupCipherSuite(name) }));

  const curveNames = allCurves().flatMap((c) => [c.zeek, c.iana].filter((n): n is string => n !== null));
  const curves = uniqueBy([...curveNames, ...(observed.curves ?? [])].map((n) => n.trim()).filter((n) => n !== '' && n !== '-'), (n) => n)
    .map((name) => ({ name, c: lookupCurve(name) }));

  const statuses = uniqueBy(
    [...knownValidationStatuses(), ...(observed.validationStatuses ?? [])]
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== '' && s !== '-'),
    (s) => s,
  ).map((status) => ({ ...normalizeValidationStatus(status), status }));

  return {
    versions: await createAndFill(conn, VERSIONS, versions),
    suites: await createAndFill(conn, SUITES, suites),
    curves: await createAndFill(conn, CURVES_SPEC, curves),
    validationStatuses: await createAndFill(conn, VALIDATION, statuses),
  };
}
