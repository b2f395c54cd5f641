/**
 * Search: filters (status, recipientStatus, role), the date rule (from+to inclusive,
 * one bound strict, status time with status), ordering, the URN-sender quirk, and refusals. Each
 * test creates its own transfers and searches in a window around their own timestamps, so other
 * workers' transfers cannot change the outcome; assertions look only at the test's own ids.
 */
import { test } from '../../fixtures/index.ts';
import type { Checked } from '../../src/client/index.ts';
import type { SearchQuery } from '../../src/client/models.ts';
import { compare, condition, expectationResult, rejectedWith, SEARCH_RESULT_CAP, searchIsCapped, type ResponseLike } from '../../src/oracle/index.ts';

/** The search answered 200 with a bare array of GUIDs; among `mine`, exactly `expected` (in this order when `ordered`). */
function found(id: string, requirement: string, mine: string[], expected: string[], ordered = false) {
  return condition<Checked<string[]>>(id, requirement, '§6', (r) => {
    const list = Array.isArray(r.body) ? r.body : [];
    const ours = list.filter((x) => mine.includes(x));
    return compare('search result (own transfers)', {
      status: { expected: 200, actual: r.status },
      guids: { expected: 'array of GUID strings', actual: Array.isArray(r.body) ? `${list.length} items` : typeof r.body, ok: Array.isArray(r.body) && list.every((x) => /^[0-9a-f-]{36}$/.test(x)) },
      ids: { expected, actual: ordered ? ours : [...ours].sort(), ok: JSON.stringify(ordered ? ours : [...ours].sort()) === JSON.stringify(ordered ? expected : [...expected].sort()) },
    });
  });
}

test.describe('search @lifecycle', () => {
  // A gateway that allows ~10 searches a minute (tt02) paces these tests for over a minute.
  test.beforeEach(({ environment }) => test.slow(!!environment.rateLimits.search, 'search is rate-limited in this environment'));

  test('SEARCH-002 SEARCH-003 SEARCH-004 SEARCH-005 SEARCH-006 SEARCH-007 SEARCH-012 filters, date rule and order over three own transfers', async ({ flow, sender, recipient, environment, verify }) => {
    const resourceId = environment.resources[0]!;
    const a = (await flow.initialize()).id; // stays Initialized
    const b = (await flow.published()).id; // Published, untouched
    const c = (await flow.published()).id; // downloaded and confirmed
    await recipient.downloadFileTransfer(c);
    await recipient.confirmDownload(c);
    const mine = [a, b, c];
    const [oa, ob, oc] = [await flow.details(a), await flow.details(b), await flow.details(c)];
    // Without status, from/to compare `created`.
    const from = oa!.created;
    const to = oc!.created;
    const q = (extra: Partial<SearchQuery>) => ({ resourceId, from, to, ...extra });

    verify(found('SearchFromToIsInclusive', 'SEARCH-007', mine, [a, b, c]), await sender.searchFileTransfers(q({})));
    verify(found('SearchOnlyFromIsStrict', 'SEARCH-007', mine, [b, c]), await sender.searchFileTransfers({ resourceId, from }));
    verify(found('SearchOnlyToIsStrict', 'SEARCH-007', mine, [a, b]), await sender.searchFileTransfers({ resourceId, to }));
    verify(found('SearchDefaultsToNewestFirst', 'SEARCH-005', mine, [c, b, a], true), await sender.searchFileTransfers(q({})));
    verify(found('SearchAscendingIsOldestFirst', 'SEARCH-006', mine, [a, b, c], true), await sender.searchFileTransfers(q({ orderAscending: true })));
    verify(found('SearchStatusIsCurrentStatus', 'SEARCH-002', mine, [b]), await sender.searchFileTransfers(q({ status: 'Published' })));
    verify(found('SearchRoleSender', 'SEARCH-004', mine, [a, b, c]), await sender.searchFileTransfers(q({ role: 'Sender' })));
    verify(found('SearchRoleRecipientForSender', 'SEARCH-004', mine, []), await sender.searchFileTransfers(q({ role: 'Recipient' })));
    verify(found('SearchRoleRecipient', 'SEARCH-004', mine, [a, b, c]), await recipient.searchFileTransfers(q({ role: 'recipient' })));
    verify(found('SearchRecipientStatusConfirmed', 'SEARCH-003', mine, [c]), await recipient.searchFileTransfers(q({ recipientStatus: 'DownloadConfirmed' })));
    verify(found('SearchRecipientStatusInitialized', 'SEARCH-003', mine, [a, b]), await recipient.searchFileTransfers(q({ recipientStatus: 'Initialized' })));

    // With status, from/to compare the time the transfer entered that status (§6).
    const publishedAt = (d: typeof ob) => d!.fileTransferStatusHistory.find((h) => h.fileTransferStatus === 'Published')!.fileTransferStatusChanged;
    verify(found('SearchStatusWindowUsesStatusTime', 'SEARCH-012', mine, [b]), await sender.searchFileTransfers({ resourceId, status: 'Published', from: publishedAt(ob), to: publishedAt(ob) }));
    const confirmedAt = oc!.fileTransferStatusHistory.find((h) => h.fileTransferStatus === 'AllConfirmedDownloaded')!.fileTransferStatusChanged;
    verify(found('SearchStatusByNumber', 'SEARCH-002', mine, [c]), await sender.searchFileTransfers({ resourceId, status: '5', from: confirmedAt, to: confirmedAt }));
  });

  test('SEARCH-011 a re-download after confirm makes recipientStatus=DownloadConfirmed stop matching', async ({ flow, recipient, environment, verify }) => {
    const { id } = await flow.published();
    await recipient.downloadFileTransfer(id);
    await recipient.confirmDownload(id);
    const created = (await flow.overview(id))!.created;
    const q = { resourceId: environment.resources[0]!, from: created, to: created };
    verify(found('ConfirmedMatchesBeforeRedownload', 'SEARCH-011', [id], [id]), await recipient.searchFileTransfers({ ...q, recipientStatus: 'DownloadConfirmed' }));
    await recipient.downloadFileTransfer(id);
    verify(found('LatestActorStatusAfterRedownload', 'SEARCH-011', [id], []), await recipient.searchFileTransfers({ ...q, recipientStatus: 'DownloadConfirmed' }));
    verify(found('LatestActorStatusIsDownloadStarted', 'SEARCH-011', [id], [id]), await recipient.searchFileTransfers({ ...q, recipientStatus: 'DownloadStarted' }));
  });

  test('SEARCH-009 a transfer initialized with a URN sender is not found by its sender', async ({ flow, sender, environment, verify }) => {
    const urn = `urn:altinn:organization:identifier-no:${environment.actors.sender.org.slice(-9)}`;
    const { id } = await flow.initialize({ sender: urn });
    const created = (await flow.overview(id))!.created;
    verify(found('UrnSenderIsNotFoundBySender', 'SEARCH-009', [id], []), await sender.searchFileTransfers({ resourceId: environment.resources[0]!, from: created, to: created }));
  });

  test('SEARCH-001 SEARCH-008 SEARCH-010 refusals: no resourceId, an invalid date, a URN resourceId', async ({ sender, environment, verify }) => {
    const missing = await sender.call({ method: 'GET', path: '/broker/api/v1/filetransfer' });
    verify(condition<ResponseLike>('SearchNeedsResourceId', 'SEARCH-001', '§6', (r) => expectationResult(r, { kind: 'validation-key', keyPattern: /^resourceId$/i })), missing);
    const badDate = await sender.searchFileTransfers({ resourceId: environment.resources[0]!, from: 'not-a-date' });
    verify(condition<ResponseLike>('SearchRefusesInvalidDate', 'SEARCH-008', '§6', (r) => expectationResult(r, { kind: 'validation-key', keyPattern: /^from$/i })), badDate);
    verify(rejectedWith('UrnResourceIdIsNoAccess', 'SEARCH-010', '§6', 'NoAccess'), await sender.searchFileTransfers({ resourceId: `urn:altinn:resource:${environment.resources[0]}` }));
  });

  test('SEARCH-013 a list of statuses or roles is no valid filter: 400 validation problem', async ({ sender, environment, verify }) => {
    const resource = encodeURIComponent(environment.resources[0]!);
    for (const [key, value] of [['status', 'Published,Failed'], ['role', 'Sender,Recipient']] as const) {
      const res = await sender.call({ method: 'GET', path: `/broker/api/v1/filetransfer?resourceId=${resource}&${key}=${encodeURIComponent(value)}`, rateLimit: 'search' });
      verify(condition<ResponseLike>('SearchRefusesFilterList', 'SEARCH-013', '§6', (r) => expectationResult(r, { kind: 'validation-key', keyPattern: new RegExp(`^${key}$`, 'i') })), res);
    }
  });

  test('SEARCH-014 search answers at most 100 ids @slow', async ({ flow, sender, environment, verify }) => {
    // 101 initializes: slow where the gateway paces initialize.
    test.slow(!!environment.rateLimits.initialize, 'initialize is rate-limited in this environment');
    const ids: string[] = [];
    for (let i = 0; i <= SEARCH_RESULT_CAP; i++) ids.push((await flow.initialize()).id);
    const first = await flow.overview(ids[0]!);
    const last = await flow.overview(ids.at(-1)!);
    const res = await sender.searchFileTransfers({ resourceId: environment.resources[0]!, from: first!.created, to: last!.created, role: 'Sender' });
    verify(searchIsCapped(ids.length), res);
  });
});

