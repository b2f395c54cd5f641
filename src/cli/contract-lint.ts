/** @module `broker-conformance contract lint`: findings as a table or JSON, optionally the repaired document. */
import { writeFileSync } from 'node:fs';
import { stringify as toYaml } from 'yaml';
import { lintContract, loadContract, type ContractFinding } from '../contract/index.ts';
import type { LintReport } from '../contract/lint.ts';
import { EXIT_NONCONFORMANT, EXIT_OK } from './exit-codes.ts';

export interface LintOptions {
  json?: boolean;
  writeRepaired?: string;
}

function location(f: ContractFinding): string {
  return f.line !== undefined ? `line ${f.line}:${f.column}` : f.pointer || '/';
}

function table(findings: ContractFinding[]): string {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const rows = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const idWidth = Math.max(2, ...rows.map((f) => f.id.length));
  return rows.map((f) => `${f.severity.padEnd(7)} ${f.id.padEnd(idWidth)}  ${location(f)}\n        ${f.message}`).join('\n');
}

function summary(source: string, report: LintReport): string {
  const count = (s: string) => report.findings.filter((f) => f.severity === s).length;
  const { stats } = report;
  return [
    `${source}: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} repairs`,
    `operations: ${stats.operationsAsPublished} as published, ${stats.operationsAfterRepair} after repair`,
    `$refs resolved: ${stats.refsAsPublished.resolved}/${stats.refsAsPublished.total} as published, ${stats.refsAfterRepair.resolved}/${stats.refsAfterRepair.total} after repair`,
  ].join('\n');
}

export async function contractLint(source: string, options: LintOptions, out: (s: string) => void): Promise<number> {
  const loaded = await loadContract(source);
  const report = await lintContract(loaded);
  if (options.writeRepaired) {
    const asYaml = /\.ya?ml$/i.test(options.writeRepaired);
    writeFileSync(options.writeRepaired, asYaml ? toYaml(report.repaired) : `${JSON.stringify(report.repaired, null, 2)}\n`);
  }
  if (options.json) {
    out(JSON.stringify({ source, sha256: loaded.sha256, stats: report.stats, findings: report.findings }, null, 2));
  } else {
    if (report.findings.length > 0) out(table(report.findings));
    out(summary(source, report));
    if (options.writeRepaired) out(`repaired document written to ${options.writeRepaired}`);
  }
  return report.findings.some((f) => f.severity === 'error') ? EXIT_NONCONFORMANT : EXIT_OK;
}
