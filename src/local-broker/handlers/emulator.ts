/** @module Emulator-only endpoints under `/_emulator/` (health, dev tokens, event log); mounted only when enabled. */
import { readJsonBody } from '../body.ts';
import { invalid } from '../errors.ts';
import { bareOrg } from '../seed.ts';
import { sendJson, sendText, type RequestContext } from '../server.ts';

export async function healthHandler(rc: RequestContext): Promise<void> {
  sendText(rc.res, 200, 'Environment properly configured');
}

/** Signs claims; `issuedAt` (epoch seconds) is the Broker's clock, so tokens minted after a clock advance are current. */
export type TokenSigner = (claims: Record<string, unknown>, options?: { issuedAt?: number }) => Promise<string>;

/** `POST /_emulator/tokens` `{org, scopes, systemUser?}` → `{token}`: an Altinn-style enterprise or system-user token. */
export function devTokenHandler(sign: TokenSigner) {
  return async (rc: RequestContext): Promise<void> => {
    const body = (await readJsonBody(rc, 'tokenRequest')) as Record<string, unknown> | null;
    const org = body && typeof body.org === 'string' && /^(?:\d{4}:)?\d{9}$/.test(body.org) ? bareOrg(body.org) : undefined;
    const scopes = body && Array.isArray(body.scopes) && body.scopes.every((s) => typeof s === 'string') ? (body.scopes as string[]) : undefined;
    if (!org || !scopes) invalid({ '': ['Body must be {"org": "<9 digits or 0192:9 digits>", "scopes": ["..."], "systemUser"?: true}'] });
    const consumer = { authority: 'iso6523-actorid-upis', ID: `0192:${org}` };
    const claims: Record<string, unknown> = body?.systemUser
      ? {
          scope: scopes.join(' '),
          consumer,
          client_id: `local-${org}`,
          authorization_details: [
            { type: 'urn:altinn:systemuser', systemuser_id: [crypto.randomUUID()], systemuser_org: consumer, system_id: crypto.randomUUID() },
          ],
        }
      : { scope: scopes.join(' '), consumer, 'urn:altinn:orgNumber': org, 'urn:altinn:authenticatemethod': 'maskinporten', 'urn:altinn:authlevel': 3 };
    sendJson(rc, 200, { token: await sign(claims, { issuedAt: Math.floor(rc.b.now().getTime() / 1000) }) });
  };
}

export async function eventsHandler(rc: RequestContext): Promise<void> {
  sendJson(rc, 200, rc.b.events());
}
