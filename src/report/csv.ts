// One CSV per report table (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes
// doubled). Spreadsheets run a cell that starts with a formula character, and the cells here carry
// attacker-controlled names, so such cells get a leading apostrophe, as OWASP's "CSV Injection" page
// (owasp.org/www-community/attacks/CSV_Injection) recommends: = + - @ TAB CR LF. Every text cell is quoted so a
// separator inside it cannot start a new cell.
import type { Row } from '../analyses/types.ts';

const FORMULA_START = /^[=+\-@\t\r\n]/;

/** A text cell a spreadsheet will not evaluate. */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

type Cell = Row[string];

export function csvCell(value: Cell | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // a list is written as JSON text so its items stay apart whatever they contain
  const text = Array.isArray(value) ? JSON.stringify(value) : value;
  return quote(neutraliseFormula(text));
}

/** Columns in first-seen order over all rows (rows of one table may leave out null columns). */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

export function toCsv(rows: readonly Row[]): string {
  const cols = columnsOf(rows);
  if (cols.length === 0) return '';
  const lines = [cols.map((c) => quote(neutraliseFormula(c))).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** `<section>.<table>.csv` (cli.md); both parts are checked by the report schema to be file-name safe. */
export function csvFileName(section: string, table: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(section) || !/^[a-z0-9][a-z0-9_-]*$/.test(table)) throw new Error(`not a safe CSV name: ${section}.${table}`);
  return `${section}.${table}.csv`;
}
