/**
 * Self-tests of the suites' base test (fixtures/api-test.ts): it replaces Playwright's per-test browser
 * set-up by name. Playwright's own test still sets those fixtures up under the titles we know (so the
 * second test can fail), and ours sets none of them up: a Playwright upgrade that renames the fixtures
 * fails here instead of quietly bringing back their cost. The suites' own test-scoped fixtures run
 * without steps of their own (fixtures/index.ts), and the exchanges they make still show as steps.
 */
import { expect, test as playwrightTest, type TestInfo } from '@playwright/test';
import { apiTest, REPLACED_PLAYWRIGHT_FIXTURES } from '../../fixtures/api-test.ts';
import { test as suite } from '../../fixtures/index.ts';

interface Step {
  title: string;
  category: string;
  steps: Step[];
}

/** The titles of the fixture steps Playwright has set up for the running test, at any depth (its own record, not public API). */
function fixtureSteps(info: TestInfo): string[] {
  const steps = (info as unknown as { _steps?: Step[] })._steps;
  expect(steps, "Playwright's record of a test's steps (TestInfo._steps) has moved: update this self-test").toBeInstanceOf(Array);
  const all = (list: Step[]): Step[] => list.flatMap((s) => [s, ...all(s.steps ?? [])]);
  const fixtures = all(steps!).filter((s) => s.category === 'fixture').map((s) => s.title);
  expect(fixtures.length, 'a test runs with some fixture set up (Playwright records them as steps)').toBeGreaterThan(0);
  return fixtures;
}

playwrightTest("Playwright's own test sets up the fixtures the suites' base replaces, under the titles it names", () => {
  const titles = fixtureSteps(playwrightTest.info());
  for (const title of REPLACED_PLAYWRIGHT_FIXTURES) expect(titles).toContain(`Fixture "${title}"`);
});

// One fixture of its own, set up like every suite's: the record then holds a fixture step, only not Playwright's.
const suiteLike = apiTest.extend<{ own: number }>({ own: async ({}, use) => use(1) });

suiteLike("the suites' base test sets none of them up: no browser set-up before or after a test", ({ own }) => {
  expect(own).toBe(1);
  const titles = fixtureSteps(suiteLike.info());
  expect(titles).toContain('Fixture "own"');
  for (const title of REPLACED_PLAYWRIGHT_FIXTURES) expect(titles).not.toContain(`Fixture "${title}"`);
});

/** Every step Playwright recorded for the running test, at any depth. */
function allSteps(info: TestInfo): Step[] {
  const steps = (info as unknown as { _steps?: Step[] })._steps ?? [];
  const all = (list: Step[]): Step[] => list.flatMap((s) => [s, ...all(s.steps ?? [])]);
  return all(steps);
}

suite("the suites' test-scoped fixtures set up without steps of their own; what they do still shows", async ({ sender, verify, flow }) => {
  expect(verify).toBeDefined();
  expect(flow).toBeDefined();
  const health = await sender.getHealth();
  expect(health.status).toBe(200);
  const steps = allSteps(suite.info());
  // The exchange is a step of its own (the evidence), at the test's level.
  expect(steps.map((s) => s.title)).toContainEqual(expect.stringMatching(/^sender: .*GET \/health$/));
  const fixtures = steps.filter((s) => s.category === 'fixture').map((s) => s.title);
  for (const name of ['contractFailures', 'actors', 'sender', 'verify', 'flow']) expect(fixtures).not.toContain(`Fixture "${name}"`);
});
