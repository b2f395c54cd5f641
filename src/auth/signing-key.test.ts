/** @module Self-tests of key loading: every accepted format works, PKCS#1 and public keys are refused clearly, and key text is registered for redaction. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { compactVerify, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { redactText } from '../ledger/redact.ts';
import { KeyFormatError, MissingSecretError } from './errors.ts';
import { loadSigningKey, parsePrivateKey } from './signing-key.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const jwk: Record<string, string> = { ...(rsa.privateKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'jwk-kid' };

async function signsVerifiably(text: string, source = 'TEST_KEY') {
  const { key } = await parsePrivateKey(text, source);
  const jwt = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'RS256' }).sign(key);
  await compactVerify(jwt, rsa.publicKey);
}

test('reads a PKCS#8 PEM, a JWK as JSON and a base64-encoded JWK', async () => {
  await signsVerifiably(pkcs8);
  await signsVerifiably(JSON.stringify(jwk));
  await signsVerifiably(Buffer.from(JSON.stringify(jwk)).toString('base64'));
  await signsVerifiably(Buffer.from(JSON.stringify(jwk)).toString('base64url'));
  expect((await parsePrivateKey(JSON.stringify(jwk), 'X')).jwkKid).toBe('jwk-kid');
});

test('a PKCS#1 PEM is refused with an error that says how to convert it and does not echo the key', async () => {
  const error = await parsePrivateKey(pkcs1, 'BROKER_MASKINPORTEN_PRIVATE_KEY').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(KeyFormatError);
  const message = (error as Error).message;
  expect(message).toContain('BROKER_MASKINPORTEN_PRIVATE_KEY');
  expect(message).toContain('PKCS#1');
  expect(message).toContain('openssl pkcs8 -topk8');
  expect(message).not.toContain('PRIVATE KEY-----');
});

test('a public JWK, a non-RSA JWK and garbage are refused as KeyFormatError', async () => {
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  await expect(parsePrivateKey(JSON.stringify(await exportJWK(publicKey)), 'K')).rejects.toThrow(/public key/);
  const ec = (await generateKeyPair('ES256', { extractable: true })).privateKey;
  await expect(parsePrivateKey(JSON.stringify(await exportJWK(ec)), 'K')).rejects.toThrow(/kty EC/);
  await expect(parsePrivateKey('not a key at all!', 'K')).rejects.toBeInstanceOf(KeyFormatError);
});

test('reads the key from a file named by a variable, and names the variable when it is missing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'key-'));
  try {
    writeFileSync(join(dir, 'key.pem'), pkcs8);
    await expect(loadSigningKey({ privateKeyFileEnv: 'KEY_FILE' }, { KEY_FILE: join(dir, 'key.pem') })).resolves.toHaveProperty('key');
    await expect(loadSigningKey({ privateKeyFileEnv: 'KEY_FILE' }, { KEY_FILE: join(dir, 'absent.pem') })).rejects.toThrow(/KEY_FILE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const missing = await loadSigningKey({ privateKeyEnv: 'MY_KEY' }, {}).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(MissingSecretError);
  expect((missing as Error).message).toContain('MY_KEY');
});

test('key material read is registered, so the ledger masks it anywhere', async () => {
  const fresh = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const d = fresh.d as string;
  expect(redactText(`leak ${d} here`)).toContain(d);
  await parsePrivateKey(JSON.stringify(fresh), 'K');
  expect(redactText(`leak ${d} here`)).not.toContain(d);
  const b64 = Buffer.from(JSON.stringify({ ...jwk, kid: 'other' })).toString('base64');
  expect(redactText(`leak ${b64}`)).toContain(b64);
  await parsePrivateKey(b64, 'K');
  expect(redactText(`leak ${b64}`)).not.toContain(b64);
});
