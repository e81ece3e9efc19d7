// One CSV record per line (feeds never put line breaks inside fields): RFC 4180 quoting, plus the
// abuse.ch habit of a space after the comma before a quoted field (`"a", "b"`).

/** Fields of one line, or null when a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    // spaces before an opening quote are layout, not data
    let j = i;
    while (j < n && line[j] === ' ') j++;
    if (j < n && line[j] === '"') {
      let value = '';
      let k = j + 1;
      for (;;) {
        const q = line.indexOf('"', k);
        if (q < 0) return null;
        value += line.slice(k, q);
        if (line[q + 1] === '"') {
          value += '"';
          k = q + 2;
          continue;
        }
        k = q + 1;
        break;
      }
      while (k < n && line[k] === ' ') k++;
      fields.push(value);
      if (k >= n) return fields;
      if (line[k] !== ',') return null;
      i = k + 1;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/**
 * Column positions from a header line, which may be commented out (`# id,dateadded,url,…` in URLhaus and
 * ThreatFox exports) or not (Feodo Tracker's quoted header). Null unless every required name is present.
 */
export function headerColumns(line: string, required: readonly string[]): Map<string, number> | null {
  const body = line.replace(/^\s*#\s?/, '');
  const fields = splitCsvLine(body);
  if (!fields) return null;
  const cols = new Map<string, number>();
  fields.forEach((f, idx) => {
    const name = f.trim().toLowerCase();
    if (!cols.has(name)) cols.set(name, idx);
  });
  return required.every((r) => cols.has(r.toLowerCase())) ? cols : null;
}
