/**
 * @module A run in a few lines of Markdown, for a CI job's step summary: the verdict, the counts
 * (FAIL apart from ERROR), why it is INCOMPLETE, an active mutation, what newly fails or errors
 * since the previous run of the environment, and where the full report is.
 */
import type { TrendPoint } from './history.ts';
import { VERDICTS, type RunSummary } from './model.ts';
import { mutationBanner } from './mutation-banner.ts';

/** Inline text that cannot break the Markdown around it (code spans, HTML); used in lines and list items, never in table cells. */
function inline(text: string, max = 200): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  const cut = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return cut.replace(/[`<>]/g, (c) => ({ '`': "'", '<': '&lt;', '>': '&gt;' })[c]!);
}

const MAX_LISTED = 20;

export function renderMarkdown(s: RunSummary, point: TrendPoint | undefined, where: { report: string; artifact?: string }): string {
  const lines: string[] = [];
  lines.push(`### Broker conformance ${inline(s.environment)}: ${s.verdict}`, '');
  lines.push(`run \`${inline(s.runId)}\` · Broker \`${inline(s.brokerBaseUrl ?? 'unknown')}\`${s.durationMs !== null ? ` · ${(s.durationMs / 1000).toFixed(0)} s` : ''}`, '');
  const shown = VERDICTS.filter((v) => v in s.counts);
  lines.push(`| ${shown.join(' | ')} |`, `| ${shown.map(() => '---:').join(' | ')} |`, `| ${shown.map((v) => s.counts[v] ?? 0).join(' | ')} |`, '');
  lines.push('FAIL: a Broker requirement not met. ERROR: transport, timeout, harness or configuration, not held against the Broker.', '');
  const banner = mutationBanner(s.localBroker?.mutations);
  if (banner) lines.push(`> **${inline(banner, 400)}**`, '');
  if (s.incomplete) lines.push('**Why INCOMPLETE:**', ...s.incomplete.reasons.map((r) => `- ${inline(r, 400)}`), '');
  const message = new Map(s.checks.map((c) => [c.key, c]));
  const list = (title: string, keys: string[]) => {
    if (keys.length === 0) return;
    lines.push(`**${title} (${keys.length}):**`);
    for (const k of keys.slice(0, MAX_LISTED)) {
      const c = message.get(k);
      lines.push(`- \`${inline(k, 160)}\`${c ? ` (${inline(c.requirement)}): ${inline(c.message)}` : ''}`);
    }
    if (keys.length > MAX_LISTED) lines.push(`- … and ${keys.length - MAX_LISTED} more in the report`);
    lines.push('');
  };
  if (!point) lines.push('_No history: new failures are counted from the next run on._', '');
  else {
    list('New failures since the previous run', point.newFailures);
    list('New errors since the previous run (not held against the Broker)', point.newErrors ?? []);
    if (!point.newFailures.length && !(point.newErrors ?? []).length) lines.push('No new failures or errors since the previous run.', '');
  }
  lines.push(`Full report: \`${inline(where.report, 300)}\`${where.artifact ? ` in the artifact **${inline(where.artifact)}**` : ''}.`);
  return `${lines.join('\n')}\n`;
}
