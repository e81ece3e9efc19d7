// The ranked findings of report.html group per kind (section and finding type) under their worst finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFinding } from '../../src/analyses/dread.ts';
import { EMPTY_SITE } from '../../src/config/site.ts';
import { groupFindings } from '../../src/report/html.ts';

test('findings of one type form one group, in rank order, titled by the type', () => {
  const ctx = { site: EMPTY_SITE };
  const f = [
    makeFinding('exposed-remote-access', '10.0.0.1:3389', [], ctx),
    makeFinding('remote-access-tool', 'logmein/10.0.0.5', [], ctx),
    makeFinding('remote-access-tool', 'logmein/10.0.0.6', [], ctx),
    makeFinding('exposed-remote-access', '10.0.0.2:5900', [], ctx),
  ];
  const g = groupFindings(f);
  assert.deepEqual(g.map((x) => [x.key, x.findings.length]), [
    ['exposure/exposed-remote-access', 2],
    ['supply-chain/remote-access-tool', 2],
  ]);
  assert.ok(!g[1]!.title.includes('10.0.0.5'), 'the group title names the kind, not one device');
});
