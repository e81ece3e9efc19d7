// Run as a child process by serve.test.ts: holds a store open for writing, as `dhai ingest` does, until
// stdin closes. DuckDB's file lock is per process, so the test needs a second process.
import { openStore } from '../../src/store/store.ts';

const store = await openStore(process.argv[2]!);
process.stdout.write('holding\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void store.close().then(() => process.exit(0));
});
