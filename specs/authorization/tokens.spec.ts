/**
 * Authorization: no token, a token signed by an unknown key, `alg: none`, an
 * untrusted issuer, an expired token, a token without the operation's scope, a caller that is not a
 * party, the sender doing a recipient's operation and back. Forged tokens are minted with jose and
 * sent with `call({ bearer })`.
 */
import { test } from '../../fixtures/index.ts';
import type { BrokerClient, Checked } from '../../src/client/index.ts';
import { compare, condition, ExpiredTokenIsRefused, ForgedTokenIsRefused, MissingScopeIsForbidden, RefusedWithoutToken, rejectedWith, authRefusalResult, type ResponseLike } from '../../src/oracle/index.ts';

const API = '/broker/api/v1/filetransfer';
const AlgNoneIsRefused = condition<ResponseLike>('AlgNoneTokenIsRefused', 'AUTH-011', '§1.2', (r) => authRefusalResult(r, 401));
const UntrustedIssuerIsRefused = condition<ResponseLike>('UntrustedIssuerTokenIsRefused', 'AUTH-012', '§1.2', (r) => authRefusalResult(r, 401));
const NotSenderCannotUpload = rejectedWith('NonSenderUploadIsNoAccess', 'AUTH-007', '§4.3', 'NoAccess');
const NotRecipientCannotDownload = rejectedWith('NonRecipientDownloadIsNoAccess', 'AUTH-008', '§4.3', 'NoAccess');
const NotRecipientCannotConfirm = rejectedWith('NonRecipientConfirmIsNoAccess', 'AUTH-008', '§4.3', 'NoAccess');

/** The same request, with each of the given bearer tokens. */
function probes(client: BrokerClient, resourceId: string, id: string) {
  return [
    (bearer?: string) => client.call({ method: 'GET', path: `${API}?resourceId=${resourceId}`, bearer, anonymous: bearer === undefined }),
    (bearer?: string) => client.call({ method: 'GET', path: `${API}/${id}`, bearer, anonymous: bearer === undefined }),
    (bearer?: string) => client.call({ method: 'POST', path: `${API}/${id}/confirmdownload`, bearer, anonymous: bearer === undefined }),
    (bearer?: string) => client.call({ method: 'POST', path: `${API}/${id}/upload`, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('x'), bearer, anonymous: bearer === undefined }),
  ] as const;
}

test.describe('tokens @negative', () => {
  test('AUTH-001 without a token every operation is an empty 401 with WWW-Authenticate: Bearer', async ({ actors, environment, flow, verify }) => {
    const { id } = await flow.initialize();
    for (const send of probes(actors.sender, environment.resources[0]!, id)) verify(RefusedWithoutToken, await send(undefined));
    verify(RefusedWithoutToken, await actors.anonymous.initializeFileTransfer(flow.body()));
  });

  test('AUTH-002 AUTH-011 AUTH-012 forged tokens (unknown key, alg none, untrusted issuer) are empty 401s', async ({ actors, environment, flow, forge, verify }) => {
    const { id } = await flow.initialize();
    const org = environment.actors.sender.org;
    const scopes = ['altinn:broker.write', 'altinn:broker.read'];
    const unknownKey = await forge.unknownKey(org, scopes);
    const none = forge.algNone(org, scopes);
    const untrusted = await forge.untrustedIssuer(org, scopes);
    for (const send of probes(actors.sender, environment.resources[0]!, id)) {
      verify(ForgedTokenIsRefused, await send(unknownKey));
      verify(AlgNoneIsRefused, await send(none));
      verify(UntrustedIssuerIsRefused, await send(untrusted));
    }
  });

  test('AUTH-003 an expired token (otherwise valid) is an empty 401', async ({ actors, environment, flow, forge, verify }) => {
    test.skip(!forge.expired, 'minting an expired but validly signed token needs the issuer key and a Broker that checks token lifetimes (the embedded one; a Development Broker does not)');
    const { id } = await flow.initialize();
    const expired = await forge.expired!(environment.actors.sender.org, ['altinn:broker.write', 'altinn:broker.read']);
    for (const send of probes(actors.sender, environment.resources[0]!, id)) verify(ExpiredTokenIsRefused, await send(expired));
  });

  test('AUTH-004 a token without the operation\'s scope is an empty 403', async ({ actors, environment, flow, forge, verify }) => {
    const { id } = await flow.published();
    // The recipient's read-only token: initialize and upload need altinn:broker.write.
    verify(MissingScopeIsForbidden, await actors.recipient.initializeFileTransfer(flow.body()));
    verify(MissingScopeIsForbidden, await actors.recipient.uploadFileTransfer(id, Buffer.from('x')), { cite: ['AUTH-005'] });
    test.skip(!forge.signed, 'minting tokens with chosen scopes needs the issuer key (local and broker-dev)');
    const org = environment.actors.sender.org;
    const writeOnly = await forge.signed!(org, ['altinn:broker.write']);
    const serviceOwnerOnly = await forge.signed!(org, ['altinn:serviceowner']);
    const unrelated = await forge.signed!(org, ['altinn:something.else']);
    verify(MissingScopeIsForbidden, await actors.sender.call({ method: 'GET', path: `${API}/${id}/download`, bearer: writeOnly }));
    verify(MissingScopeIsForbidden, await actors.sender.call({ method: 'GET', path: `${API}?resourceId=${environment.resources[0]}`, bearer: serviceOwnerOnly }));
    verify(MissingScopeIsForbidden, await actors.sender.call({ method: 'GET', path: `${API}/${id}`, bearer: unrelated }));
    verify(MissingScopeIsForbidden, await actors.sender.call({ method: 'GET', path: '/broker/api/v1/serviceowner', bearer: writeOnly }), { cite: ['AUTH-009'] });
  });

  test('AUTH-008 AUTH-007 the sender doing a recipient\'s operation and the recipient doing the sender\'s are refused', async ({ actors, flow, verify }) => {
    const { id } = await flow.published();
    verify(NotRecipientCannotDownload, await actors.sender.downloadFileTransfer(id));
    verify(NotRecipientCannotConfirm, await actors.sender.confirmDownload(id));
    // The recipient lacks the write scope: the auth layer refuses before the Broker's own check.
    verify(MissingScopeIsForbidden, await actors.recipient.uploadFileTransfer(id, Buffer.from('x')), { requirement: 'AUTH-005' });
    verify(NotSenderCannotUpload, await actors.outsider.uploadFileTransfer(id, Buffer.from('x')));
  });

  test('AUTH-013 a recipient org holding the write scope still cannot upload to, or initialize for, the sender', async ({ actors, environment, flow, forge, verify }) => {
    test.skip(!forge.signed, 'minting a write-scoped token for the recipient org needs the issuer key (local and broker-dev)');
    const { id } = await flow.initialize();
    const recipientWriter = await forge.signed!(environment.actors.recipients[0]!.org, ['altinn:broker.write', 'altinn:broker.read']);
    verify(rejectedWith('UploadForAnotherSenderIsNoAccess', 'AUTH-013', '§4.1, §4.2', 'NoAccess'), await actors.sender.call({ method: 'POST', path: `${API}/${id}/upload`, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('x'), bearer: recipientWriter }));
    verify(rejectedWith('InitializeAsAnotherSenderIsNoAccess', 'AUTH-013', '§2.2, §4.2', 'NoAccess'), await actors.sender.call({ method: 'POST', path: API, headers: { 'content-type': 'application/json' }, body: JSON.stringify(flow.body()), bearer: recipientWriter }));
  });

  test('AUTH-010 AUTH-014 AUTH-006 a non-party searching sees none of the transfer (or, without rights on the resource, is refused), and cannot read it', async ({ actors, environment, flow, verify }) => {
    test.skip(!environment.actors.outsider, 'environment has no outsider actor');
    const rights = environment.actors.outsider!.rights ?? 'resource';
    const { id } = await flow.published();
    const found = await actors.outsider.searchFileTransfers({ resourceId: environment.resources[0]! });
    if (rights === 'resource') {
      verify(condition<Checked<string[]>>('NonPartySearchOmitsTransfer', 'AUTH-010', '§4.3, §6', (r) =>
        compare('outsider (rights on the resource, party to nothing) search', { status: { expected: 200, actual: r.status }, containsTransfer: { expected: false, actual: (r.body ?? []).includes(id) } })), found);
    } else {
      verify(rejectedWith('SearchWithoutRightsIsNoAccess', 'AUTH-014', '§6', 'NoAccess'), found);
    }
    verify(rejectedWith('NonPartyOverviewIsNoAccess', 'AUTH-006', '§4.3', 'NoAccess'), await actors.outsider.getFileTransferOverview(id));
  });

  test('AUTH-014 an organisation without rights on the resource is refused search with 401 code 6', async ({ actors, environment, forge, verify }) => {
    test.skip((environment.actors.outsider?.rights ?? 'resource') === 'none', 'the outsider has no rights here: the AUTH-010 test checks it');
    test.skip(!forge.signed, 'minting a token for an organisation without rights needs the issuer key (only `local`)');
    // An organisation the environment grants nothing (not among its actors).
    const stranger = await forge.signed!('0192:312345678', ['altinn:broker.write', 'altinn:broker.read']);
    const res = await actors.sender.call({ method: 'GET', path: `${API}?resourceId=${encodeURIComponent(environment.resources[0]!)}`, bearer: stranger, rateLimit: 'search' });
    verify(rejectedWith('SearchWithoutRightsIsNoAccess', 'AUTH-014', '§6', 'NoAccess'), res);
  });
});
