// The two places SQL text is built from values: identifiers (column names from log headers) and literals
// DuckDB cannot bind (file paths inside COPY and table functions). Everything else uses bound parameters.

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(value: string): string {
  if (value.includes('\0')) throw new Error('NUL byte in SQL literal');
  return `'${value.replace(/'/g, "''")}'`;
}
