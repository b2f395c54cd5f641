/**
 * @module Allure results per environment: allure-playwright writes into one staging folder per run
 * (`reports/.allure/<run-id>`); afterwards each result moves into `reports/<env>/<run-id>/allure-results`
 * enriched with an `environment` label and parameter, `requirement` labels, and a `historyId` that
 * includes the environment, so Allure keeps one history per environment. Self-test results are dropped.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { reportsRoot } from '../ledger/run.ts';

export function allureStagingDir(id: string, root = reportsRoot()): string {
  return join(root, '.allure', id);
}

const REQUIREMENT = /\b([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d{3,})\b/g;

interface AllureResult {
  name?: string;
  testCaseId?: string;
  fullName?: string;
  historyId?: string;
  labels?: { name: string; value: string }[];
  parameters?: { name: string; value: string; excluded?: boolean }[];
}

/** Environment-aware history id: same test in another environment is another history. */
export function historyIdFor(environment: string, result: AllureResult): string {
  const base = result.testCaseId ?? createHash('md5').update(result.fullName ?? result.name ?? '').digest('hex');
  return `${base}:${createHash('md5').update(`environment=${environment}`).digest('hex')}`;
}

export function enrichResult(result: AllureResult, environment: string): AllureResult {
  const labels = (result.labels ?? []).filter((l) => l.name !== 'environment' && l.name !== 'requirement');
  labels.push({ name: 'environment', value: environment });
  for (const id of new Set((result.name ?? '').match(REQUIREMENT) ?? [])) labels.push({ name: 'requirement', value: id });
  const parameters = (result.parameters ?? []).filter((p) => p.name !== 'environment');
  parameters.push({ name: 'environment', value: environment });
  return { ...result, labels, parameters, historyId: historyIdFor(environment, result) };
}

/**
 * Moves staged results into each environment's run directory. `runDirsByProject` maps a Playwright
 * project name to the run directory (and environment name) its tests wrote. Returns results moved per run dir.
 */
export function distributeAllureResults(staging: string, runDirsByProject: Map<string, { runDir: string; environment: string }>): Map<string, number> {
  const moved = new Map<string, number>();
  if (!existsSync(staging)) return moved;
  const files = readdirSync(staging);
  const targets = [...new Map([...runDirsByProject.values()].map((t) => [t.runDir, t])).values()];
  for (const t of targets) mkdirSync(join(t.runDir, 'allure-results'), { recursive: true });
  for (const f of files) {
    const path = join(staging, f);
    if (f.endsWith('-result.json')) {
      let result: AllureResult;
      try {
        result = JSON.parse(readFileSync(path, 'utf8')) as AllureResult;
      } catch {
        continue;
      }
      const project = result.parameters?.find((p) => p.name === 'Project')?.value;
      const target = project ? runDirsByProject.get(project) : targets.length === 1 ? targets[0] : undefined;
      if (!target) continue; // self-test or unknown project: not part of any environment's report
      writeFileSync(join(target.runDir, 'allure-results', f), JSON.stringify(enrichResult(result, target.environment)));
      moved.set(target.runDir, (moved.get(target.runDir) ?? 0) + 1);
    } else if (f === 'environment.properties') {
      const text = readFileSync(path, 'utf8');
      for (const t of targets) writeFileSync(join(t.runDir, 'allure-results', f), `${text.trimEnd()}\nenvironment=${t.environment}\n`);
    } else {
      // Containers, attachments, executor.json: copied to every environment (uuids do not collide).
      for (const t of targets) copyFileSync(path, join(t.runDir, 'allure-results', f));
    }
  }
  for (const t of targets) {
    if (!existsSync(join(t.runDir, 'allure-results', 'environment.properties'))) writeFileSync(join(t.runDir, 'allure-results', 'environment.properties'), `environment=${t.environment}\n`);
  }
  rmSync(staging, { recursive: true, force: true });
  try {
    rmdirSync(dirname(staging)); // the `.allure` folder, once no run is staging into it
  } catch {
    // another run is still staging
  }
  return moved;
}
