import { expect, test } from '@playwright/test';
import { main } from './main.ts';

test('run --served-contract names a missing file in one line with exit 2, before anything starts', async () => {
  const err: string[] = [];
  const code = await main(['run', '--env', 'local', '--served-contract', 'no/such/served.json'], { out: () => undefined, err: (s) => err.push(s) });
  expect(code).toBe(2);
  expect(err.join('\n')).toMatch(/^broker-conformance: no contract file at .*no\/such\/served\.json$/);
});
