/** Self-tests of the robustness conditions (each catches the fault it exists for), the seeded sample, and the KD-ROB catalogue entries. */
import { expect, test } from '@playwright/test';
import * as oracle from './index.ts';
import { KNOWN_DEFECTS } from './known-defects.ts';
import {
  AnswersWithinBound,
  ConcurrentConfirmsConverge,
  ConcurrentTusPatchesStayConsistent,
  ExactlyOneUploadWins,
  InvalidInputIsRefused,
  NoServerErrorForClientInput,
  PublishedBytesAreTheWinners,
  PublishedTransferStaysPublished,
  RefusedRequestLeavesNothingBehind,
  type HostileGroup,
} from './conditions/robustness.ts';
import { REQUIREMENTS } from './requirements.ts';
import { robustnessCorpus, sampleCorpus, SEQUENCE_CATEGORIES } from '../reliability/robustness-corpus.ts';

const group = (outcomes: HostileGroup['outcomes']): HostileGroup => ({ label: '[x] initialize', outcomes, boundMs: 1000 });
const ok = { name: 'fine', status: 400, durationMs: 5 };

test('ROB-001 fails on a 5xx and names the case; passes on 4xx', () => {
  expect(NoServerErrorForClientInput.evaluate(group([ok])).verdict).toBe('PASS');
  const r = NoServerErrorForClientInput.evaluate(group([ok, { name: 'fileName with NUL', status: 500, durationMs: 5 }]));
  expect(r.verdict).toBe('FAIL');
  expect(r.message).toContain('fileName with NUL → 500');
  expect(r.message).toContain('[x] initialize');
});

test('ROB-002 fails on no answer and on a slow one', () => {
  expect(AnswersWithinBound.evaluate(group([ok])).verdict).toBe('PASS');
  expect(AnswersWithinBound.evaluate(group([{ name: 'hung', status: null, durationMs: 1000, error: 'timeout' }])).message).toMatch(/hung → no answer \(timeout\)/);
  expect(AnswersWithinBound.evaluate(group([{ name: 'slow', status: 200, durationMs: 1500 }])).verdict).toBe('FAIL');
});

test('ROB-004 fails when invalid input is accepted, skips when the group has none', () => {
  expect(InvalidInputIsRefused.evaluate(group([ok])).verdict).toBe('SKIP');
  expect(InvalidInputIsRefused.evaluate(group([{ ...ok, mustRefuse: true }])).verdict).toBe('PASS');
  expect(InvalidInputIsRefused.evaluate(group([{ name: 'fullwidth', status: 200, durationMs: 5, mustRefuse: true }])).verdict).toBe('FAIL');
});

test('ROB-003 fails on anything left behind', () => {
  expect(RefusedRequestLeavesNothingBehind.evaluate({ refused: 3, found: [], searchedAs: ['sender'] }).verdict).toBe('PASS');
  expect(RefusedRequestLeavesNothingBehind.evaluate({ refused: 0, found: [], searchedAs: ['sender'] }).verdict).toBe('SKIP');
  const r = RefusedRequestLeavesNothingBehind.evaluate({ refused: 3, found: [{ id: 'abc', why: 'GET answers 500' }], searchedAs: ['sender'] });
  expect(r.verdict).toBe('FAIL');
  expect(r.message).toContain('half-created');
});

test('ROB-005..007: two winners, a 5xx loser, foreign bytes and a flip to Failed each fail', () => {
  expect(ExactlyOneUploadWins.evaluate({ statuses: [200, 409, 409] }).verdict).toBe('PASS');
  expect(ExactlyOneUploadWins.evaluate({ statuses: [200, 200, 409] }).verdict).toBe('FAIL');
  expect(ExactlyOneUploadWins.evaluate({ statuses: [200, 500, 409] }).verdict).toBe('FAIL');
  expect(PublishedBytesAreTheWinners.evaluate({ winnerMd5s: ['a'], downloadStatus: 200, downloadedMd5: 'a' }).verdict).toBe('PASS');
  expect(PublishedBytesAreTheWinners.evaluate({ winnerMd5s: ['a'], downloadStatus: 200, downloadedMd5: 'b' }).verdict).toBe('FAIL');
  expect(PublishedBytesAreTheWinners.evaluate({ winnerMd5s: ['a', 'b'], downloadStatus: 200, downloadedMd5: 'b' }).verdict).toBe('FAIL');
  expect(PublishedTransferStaysPublished.evaluate({ afterWinner: 'Published', afterAll: 'Published' }).verdict).toBe('PASS');
  expect(PublishedTransferStaysPublished.evaluate({ afterWinner: 'UploadProcessing', afterAll: 'Published' }).verdict).toBe('PASS');
  expect(PublishedTransferStaysPublished.evaluate({ afterWinner: 'Published', afterAll: 'Failed' }).verdict).toBe('FAIL');
});

test('ROB-008 and ROB-009 fail on a 5xx, a second AllConfirmedDownloaded, a wrong end state or wrong bytes', () => {
  const confirm = { statuses: [204, 204, 400], finalStatus: 'AllConfirmedDownloaded', allConfirmedEntries: 1, confirmedPerRecipient: { a: 1, b: 1 } };
  expect(ConcurrentConfirmsConverge.evaluate(confirm).verdict).toBe('PASS');
  expect(ConcurrentConfirmsConverge.evaluate({ ...confirm, statuses: [204, 500] }).verdict).toBe('FAIL');
  expect(ConcurrentConfirmsConverge.evaluate({ ...confirm, allConfirmedEntries: 2 }).verdict).toBe('FAIL');
  expect(ConcurrentConfirmsConverge.evaluate({ ...confirm, confirmedPerRecipient: { a: 2, b: 1 } }).verdict).toBe('FAIL');
  const tus = { statuses: [204, 409, 423], finalStatus: 'Published', downloadedMd5: 'm', payloadMd5: 'm' };
  expect(ConcurrentTusPatchesStayConsistent.evaluate(tus).verdict).toBe('PASS');
  expect(ConcurrentTusPatchesStayConsistent.evaluate({ ...tus, statuses: [204, 500] }).verdict).toBe('FAIL');
  expect(ConcurrentTusPatchesStayConsistent.evaluate({ ...tus, finalStatus: 'Failed' }).verdict).toBe('FAIL');
  expect(ConcurrentTusPatchesStayConsistent.evaluate({ ...tus, downloadedMd5: 'x' }).verdict).toBe('FAIL');
});

const ctx = { resourceId: 'r', sender: '0192:991825827', recipient: '0192:986252932', forgedTokens: { x: 'y' }, marker: 'm' };
const options = { tus: true, malwareWebhook: true, manyRecipients: 50 };

test('the sample is bounded, reproducible by seed, keeps every sentinel and touches every category', () => {
  const corpus = robustnessCorpus(ctx, options);
  const a = sampleCorpus(corpus, 7, 100);
  const names = (xs: typeof a) => xs.map((c) => c.name);
  expect(names(sampleCorpus(corpus, 7, 100))).toEqual(names(a));
  expect(names(sampleCorpus(corpus, 8, 100))).not.toEqual(names(a));
  const sentinels = corpus.filter((c) => c.sentinel);
  expect(a.length).toBe(sentinels.length + 100);
  expect(sentinels.every((s) => a.includes(s))).toBe(true);
  expect(new Set(a.map((c) => c.category))).toEqual(new Set(corpus.map((c) => c.category)));
});

test('generic cases of a defect class are counted in it: a NUL anywhere, an over-long reference, a null element', () => {
  const corpus = robustnessCorpus(ctx, options);
  const categoryOf = (name: string) => corpus.find((c) => c.name === name)?.category;
  expect(corpus.filter((c) => c.category !== 'nul-in-strings').filter((c) => typeof c.body === 'string' && (c.body.includes('\u0000') || c.body.includes('\\u0000')))).toEqual([]);
  expect(categoryOf('sendersFileTransferReference of 501 chars')).toBe('oversize-reference');
  expect(categoryOf('sendersFileTransferReference of 256 chars')).toBe('huge-strings');
  expect(categoryOf('recipients with a null element')).toBe('null-elements');
  expect(categoryOf('search ?resourceId=%00')).toBe('nul-in-strings');
});

test('every KD-ROB defect names catalogued requirements, an existing condition of them, and a corpus category', () => {
  const requirementIds = new Set(REQUIREMENTS.map((r) => r.id));
  const categories = new Set([...robustnessCorpus(ctx, options).map((c) => c.category), ...Object.values(SEQUENCE_CATEGORIES)].map((c) => `[${c}]`));
  const conditions = new Map(Object.values(oracle).flatMap((v) => (v && typeof v === 'object' && 'evaluate' in v && 'id' in v ? [[(v as { id: string }).id, (v as { requirement: string }).requirement] as const] : [])));
  const rob = KNOWN_DEFECTS.filter((d) => d.id.startsWith('KD-ROB-'));
  expect(rob.length).toBeGreaterThanOrEqual(11);
  expect(new Set(rob.map((d) => d.id)).size).toBe(rob.length);
  for (const d of rob) {
    expect(d.id).toMatch(/^KD-ROB-\d{3}$/);
    for (const r of d.requirements) expect(requirementIds.has(r), `${d.id} cites ${r}`).toBe(true);
    if (d.match?.condition) expect(d.requirements, `${d.id}: ${d.match.condition} judges one of its requirements`).toContain(conditions.get(d.match.condition));
    if (d.match?.messageIncludes) expect(categories.has(d.match.messageIncludes), `${d.id}: category ${d.match.messageIncludes}`).toBe(true);
    expect(d.sourceLocation).toMatch(/^src\/[\w./-]+\.cs(#L\d+)?$/);
  }
});
