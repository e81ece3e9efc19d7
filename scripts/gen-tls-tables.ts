// Regenerate src/tls/generated/{cipher-suites,curves,mozilla-tiers,zeek-versions}.ts from the upstream files.
// Usage: node --import tsx scripts/gen-tls-tables.ts --iana-suites tls-parameters-4.csv --iana-groups tls-parameters-8.csv
//          --zeek-consts consts.zeek --mozilla guidelines-5.x.json [--provenance provenance.json] [--out DIR] [--check]
// --provenance: JSON {ianaSuites:{copy,note}, ianaGroups:{copy,note}, zeekConsts:{copy,version}, mozilla:{copy}}
// naming where each copy came from (the files do not say). --check: compare with the files on disk, exit 1 if stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderTlsTables, type Provenance } from '../src/tls/generate/render.ts';

const { values } = parseArgs({
  options: {
    'iana-suites': { type: 'string' },
    'iana-groups': { type: 'string' },
    'zeek-consts': { type: 'string' },
    mozilla: { type: 'string' },
    provenance: { type: 'string' },
    out: { type: 'string' },
    check: { type: 'boolean', default: false },
  },
});
const suites = values['iana-suites'];
const groups = values['iana-groups'];
const zeek = values['zeek-consts'];
const mozilla = values.mozilla;
if (!suites || !groups || !zeek || !mozilla) {
  console.error('usage: gen-tls-tables.ts --iana-suites CSV --iana-groups CSV --zeek-consts consts.zeek --mozilla JSON [--provenance JSON] [--out DIR] [--check]');
  process.exit(2);
}
const read = (file: string): string => readFileSync(file, 'utf8');
const provenance = values.provenance ? (JSON.parse(read(values.provenance)) as Provenance) : {};
const { files, tables } = renderTlsTables(
  { ianaSuitesCsv: read(suites), ianaGroupsCsv: read(groups), zeekConsts: read(zeek), mozillaJson: read(mozilla) },
  provenance,
);
const outDir = values.out ?? path.join(import.meta.dirname, '..', 'src', 'tls', 'generated');
let stale = 0;
for (const [name, text] of Object.entries(files)) {
  const target = path.join(outDir, name);
  if (values.check) {
    let current = '';
    try {
      current = read(target);
    } catch {
      // a missing file is stale
    }
    if (current !== text) {
      console.error(`${target}: differs from what the inputs generate`);
      stale++;
    }
  } else {
    writeFileSync(target, text);
  }
}
for (const note of tables.notes) console.log(`note: ${note}`);
console.log(
  `${values.check ? 'checked' : 'wrote'} ${Object.keys(files).length} files in ${outDir}: ${tables.suites.length} cipher code points, ` +
    `${tables.curves.length} groups, ${tables.versions.length} version names, Mozilla guidelines ${tables.mozilla.version}`,
);
if (stale > 0) process.exit(1);
