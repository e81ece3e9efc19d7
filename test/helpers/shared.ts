// Where the real third-party fixtures live (../shared/fixtures beside the checkout). Tests that need them
// call `sharedFixture()` and skip, saying why, when ../shared is absent; CI always has it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = process.env.DHAI_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
export const fixturesDir = path.join(sharedDir, 'fixtures');
export const haveShared = existsSync(fixturesDir);
/** Pass as the `skip` option of a node:test `test()`/`describe()` that reads ../shared/fixtures. */
export const needsShared: string | false = haveShared ? false : `needs ${fixturesDir} (real third-party fixtures; absent in this checkout)`;

export function fixture(...parts: string[]): string {
  return path.join(fixturesDir, ...parts);
}
