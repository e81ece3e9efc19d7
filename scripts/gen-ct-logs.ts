// Regenerate src/intel/generated/ct-logs.ts from a CT log list file (Chrome all_logs_list.json v3 or Apple's list).
// Usage: node --import tsx scripts/gen-ct-logs.ts LIST.json [--sig LIST.sig --pubkey log_list_pubkey.pem] [--out FILE]
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCtLogList, renderCtLogsModule } from '../src/intel/ct-log-list.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { sig: { type: 'string' }, pubkey: { type: 'string' }, out: { type: 'string' } },
});
const file = positionals[0];
if (!file || positionals.length > 1 || Boolean(values.sig) !== Boolean(values.pubkey)) {
  console.error('usage: gen-ct-logs.ts LIST.json [--sig LIST.sig --pubkey PUBKEY.pem] [--out FILE]');
  process.exit(2);
}
const check = values.sig && values.pubkey ? { signatureFile: values.sig, publicKeyFile: values.pubkey } : undefined;
const list = loadCtLogList(file, check);
const out = values.out ?? path.join(import.meta.dirname, '..', 'src', 'intel', 'generated', 'ct-logs.ts');
const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
writeFileSync(out, renderCtLogsModule(list, { file: path.basename(file), sha256, signatureVerified: list.signatureVerified }));
console.log(`${out}: ${list.logs.length} logs from ${path.basename(file)} (version ${list.version ?? '?'}, signature ${check ? 'verified' : 'not checked'})`);
