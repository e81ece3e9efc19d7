// Zeek's log field types and how dhai stores each one in DuckDB/Parquet. One mapping, used by the TSV fast
// path (DuckDB reads the file itself), the line-by-line path (Node validates and converts) and the schema.

/** The DuckDB type a Zeek field is stored as. Times become TIMESTAMP (UTC, microseconds). */
export function storageType(zeekType: string): string {
  const inner = containerInner(zeekType);
  if (inner !== undefined) return `${scalarStorage(inner)}[]`;
  return scalarStorage(zeekType);
}

function scalarStorage(t: string): string {
  switch (t) {
    case 'time':
      return 'TIMESTAMP';
    case 'interval':
    case 'double':
      return 'DOUBLE';
    case 'count':
      return 'UBIGINT';
    case 'int':
      return 'BIGINT';
    case 'port':
      return 'INTEGER';
    case 'bool':
      return 'BOOLEAN';
    default:
      // addr, subnet, string, enum, pattern and anything newer Zeek invents: keep the text
      return 'VARCHAR';
  }
}

/** `set[string]` → `string`; undefined when the type is not a container. */
export function containerInner(zeekType: string): string | undefined {
  const m = /^(?:set|vector)\[(.+)\]$/.exec(zeekType);
  return m ? m[1] : undefined;
}

/** The type DuckDB's CSV reader should parse a raw TSV column as (before our SELECT converts it). */
export function csvReadType(zeekType: string): string {
  if (containerInner(zeekType) !== undefined) return 'VARCHAR';
  switch (zeekType) {
    case 'time':
      return 'DOUBLE';
    case 'port':
      return 'USMALLINT'; // so DuckDB refuses what validScalar refuses: outside 0–65535
    default:
      return scalarStorage(zeekType);
  }
}

const NUM = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const UINT = /^\d+$/;
const SINT = /^[-+]?\d+$/;

/** Is a raw (unescaped, not unset, not empty) scalar token a valid value of the Zeek type? */
export function validScalar(zeekType: string, token: string): boolean {
  switch (zeekType) {
    case 'time':
    case 'interval':
    case 'double':
      return NUM.test(token);
    case 'count':
      return UINT.test(token) && token.length <= 20;
    case 'int':
      return SINT.test(token) && token.length <= 20;
    case 'port':
      return UINT.test(token) && Number(token) <= 65535;
    case 'bool':
      return token === 'T' || token === 'F';
    default:
      return true;
  }
}

/** Seconds since the epoch (Zeek's `time`) to microseconds, exactly as DuckDB's TIMESTAMP holds it. */
export function epochToMicros(seconds: number): number {
  return Math.round(seconds * 1e6);
}
