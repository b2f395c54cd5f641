/**
 * Robustness, hostile input: a seeded, bounded sample of the robustness corpus (every operation, the
 * hostile classes plus the sentinel cases that once broke a real Broker) sent through the ordinary
 * client road, judged per corpus category and operation: no 5xx for client input (ROB-001), every
 * answer within the environment's bound (ROB-002), invalid input refused (ROB-004), and afterwards no
 * transfer of a refused request visible in search or GET (ROB-003). On by default for the embedded
 * Broker and broker-dev; opt-in, paced, for shared environments (capabilities.robustness).
 * BROKER_ROBUSTNESS_SEED picks another sample; the seed is in the test's annotations.
 */
import { randomUUID } from 'node:crypto';
import { test } from '../../fixtures/index.ts';
import { robustnessSettings } from '../../src/config/index.ts';
import { AnswersWithinBound, InvalidInputIsRefused, NoServerErrorForClientInput, RefusedRequestLeavesNothingBehind } from '../../src/oracle/index.ts';
import { createsTransfer, robustnessCorpus, sampleCorpus, SEQUENCE_CATEGORIES } from '../../src/reliability/robustness-corpus.ts';
import { failingExchangeIds, findLeftovers, groupOutcomes, runCorpus, sendRawRequest } from '../../src/reliability/robustness-run.ts';
import type { HostileOutcome } from '../../src/oracle/index.ts';

test.describe('robustness: hostile input @robustness', () => {
  test('ROB-001 ROB-002 ROB-003 ROB-004 a seeded hostile corpus over every operation: 4xx not 5xx, in time, invalid input refused, nothing left behind', async ({ environment, target, actors, flow, verify, forge }, testInfo) => {
    const s = robustnessSettings(environment);
    test.skip(!s.enabled, s.reason);
    testInfo.annotations.push({ type: 'seed', description: String(s.seed) });
    const caps = environment.capabilities;
    const resourceId = environment.resources[0]!;
    // A margin for clock skew: only unreadable transfers and ones with this run's marker count, so others' are harmless.
    const since = new Date(target.now() - 30_000);
    const marker = `robustness-${s.seed}-${randomUUID().slice(0, 8)}`;
    const scan = caps.disableVirusScan ? { disableVirusScan: true } : {};
    const own = (await flow.initialize({ ...scan, sendersFileTransferReference: marker })).id;
    const published = (await flow.published({ ...scan, sendersFileTransferReference: marker })).id;

    const org = environment.actors.sender.org;
    const scopes = ['altinn:broker.write', 'altinn:broker.read'];
    const forgedTokens = { 'alg none': forge.algNone(org, scopes), 'unknown key': await forge.unknownKey(org, scopes), 'untrusted issuer': await forge.untrustedIssuer(org, scopes) };
    const corpus = sampleCorpus(
      robustnessCorpus({ resourceId, sender: org, recipient: environment.actors.recipients[0]!.org, forgedTokens, marker }, { tus: caps.tus, malwareWebhook: caps.malwareWebhook, manyRecipients: s.manyRecipients }),
      s.seed,
      s.count,
    );
    test.setTimeout(60_000 + corpus.length * s.intervalMs + 10 * s.answerWithinMs + corpus.length * 200);

    const clients = { sender: actors.sender, recipient: actors.recipient, anonymous: actors.anonymous, ...(environment.actors.outsider ? { outsider: actors.outsider } : {}) };
    const outcomes = await test.step(`send ${corpus.length} hostile requests (seed ${s.seed})`, () => runCorpus(corpus, clients, { own, published }, { intervalMs: s.intervalMs }), { box: true });

    for (const g of groupOutcomes(outcomes, s.answerWithinMs)) {
      const exchangeIds = failingExchangeIds(g.outcomes, g.boundMs);
      verify(NoServerErrorForClientInput, g, { exchangeIds });
      verify(AnswersWithinBound, g, { exchangeIds });
      if (g.outcomes.some((o) => o.mustRefuse)) verify(InvalidInputIsRefused, g, { exchangeIds });
    }

    const refused = outcomes.filter((o) => createsTransfer(o.case) && o.status !== 200).length;
    const known = new Set([own, published, ...outcomes.flatMap((o) => (o.fileTransferId ? [o.fileTransferId] : []))]);
    const found = await findLeftovers({ searchers: [actors.sender, actors.recipient], reader: actors.sender, resourceId, since, known, marker });
    verify(RefusedRequestLeavesNothingBehind, { refused, found, searchedAs: ['sender', 'recipient'] });
  });

  test('ROB-001 sequences no single request shows: TUS HEAD and PATCH after a DELETE, HEAD with only a partial, a malformed chunked upload', async ({ environment, target, flow, sender, verify, tokenProviders }) => {
    const s = robustnessSettings(environment);
    test.skip(!s.enabled, s.reason);
    const scan = environment.capabilities.disableVirusScan ? { disableVirusScan: true } : {};
    const tus: HostileOutcome[] = [];
    const exchangeIds: string[] = [];
    const note = (name: string, r: { status: number; exchangeId: string }, t0: number) => {
      tus.push({ name, status: r.status, durationMs: performance.now() - t0 });
      if (r.status >= 500) exchangeIds.push(r.exchangeId);
    };
    if (environment.capabilities.tus) {
      const { id } = await flow.initialize(scan);
      if ((await sender.tus('POST', id, { headers: { 'upload-length': '10' } })).status === 201) {
        await sender.tus('DELETE', id);
        let t0 = performance.now();
        note('TUS HEAD after DELETE', await sender.tus('HEAD', id), t0);
        t0 = performance.now();
        note('TUS PATCH after DELETE', await sender.tus('PATCH', id, { headers: { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: Buffer.from('0123456789') }), t0);
      }
      const other = (await flow.initialize(scan)).id;
      const partial = await sender.tus('POST', other, { headers: { 'upload-length': '5', 'upload-concat': 'partial' } });
      if (partial.status === 201) {
        const t0 = performance.now();
        note('TUS HEAD on the main URL with only a partial', await sender.tus('HEAD', other), t0);
      }
      if (tus.length) verify(NoServerErrorForClientInput, { label: `[${SEQUENCE_CATEGORIES.tusAbuse}] tus sequences`, outcomes: tus, boundMs: s.answerWithinMs }, { exchangeIds });
    }

    // A chunked body whose chunk size is not hexadecimal: a 4xx, and the transfer is not Failed by it.
    const { id } = await flow.initialize(scan);
    const token = await tokenProviders.get('sender')!.token();
    const raw = await sendRawRequest(
      target.baseUrl,
      (host) => Buffer.from([`POST /broker/api/v1/filetransfer/${id}/upload HTTP/1.1`, `Host: ${host}`, `Authorization: Bearer ${token}`, 'Content-Type: application/octet-stream', 'Transfer-Encoding: chunked', 'Connection: close', '', 'zz', 'abc', '0', '', ''].join('\r\n')),
      s.answerWithinMs,
    );
    const after = (await flow.overview(id))?.fileTransferStatus;
    const chunked: HostileOutcome = { name: `malformed chunked upload (transfer then ${after})`, status: raw.status, durationMs: raw.durationMs };
    const group = { label: `[${SEQUENCE_CATEGORIES.chunkedGarbage}] upload`, outcomes: [chunked], boundMs: s.answerWithinMs };
    verify(NoServerErrorForClientInput, group);
    verify(AnswersWithinBound, group);
  });
});
