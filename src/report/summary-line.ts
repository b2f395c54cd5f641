/**
 * @module A Playwright reporter that ends every run with one plain line, `tests: N passed, N failed,
 * N skipped`, which CI log readers (and people) can take in at a glance.
 */
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SummaryLineReporter implements Reporter {
  private readonly outcome = new Map<string, 'passed' | 'failed' | 'skipped'>();

  onTestEnd(test: TestCase, result: TestResult): void {
    // The last attempt decides (retries), as in Playwright's own summary.
    const status = result.status === 'skipped' ? 'skipped' : test.outcome() === 'unexpected' ? 'failed' : test.outcome() === 'skipped' ? 'skipped' : 'passed';
    this.outcome.set(test.id, status);
  }

  onEnd(_result: FullResult): void {
    const count = (s: string) => [...this.outcome.values()].filter((o) => o === s).length;
    console.log(`tests: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
