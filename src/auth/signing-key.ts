/**
 * @module Turns key material from the environment (PKCS#8 PEM, JWK JSON, base64-encoded JWK, or a file
 * holding one of them) and an optional PEM certificate chain into what the grant signer needs.
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { registerSecret } from '../ledger/redact.ts';
import { KeyFormatError } from './errors.ts';
import { readSecret, readSetting, type ProcessEnv } from './secret-env.ts';

export interface SigningKey {
  key: CryptoKey;
  /** `kid` carried by a JWK, if any (the environment's kid variable takes precedence). */
  jwkKid?: string;
}

const PKCS1 = /-----BEGIN RSA PRIVATE KEY-----/;
const ENCRYPTED = /-----BEGIN ENCRYPTED PRIVATE KEY-----/;
const PKCS8 = /-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/;
const JWK_PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/**
 * Parses key text. `source` names where it came from (a variable or file variable) for error messages.
 * Accepts PKCS#8 PEM, a JWK as JSON, or a base64 (or base64url) encoded JWK; RS256 only.
 */
export async function parsePrivateKey(text: string, source: string): Promise<SigningKey> {
  const trimmed = text.trim();
  registerSecret(trimmed);
  if (PKCS1.test(trimmed)) {
    throw new KeyFormatError(
      source,
      'it is a PKCS#1 key ("BEGIN RSA PRIVATE KEY"); convert it to PKCS#8 with ' +
        '`openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem` and use that file',
    );
  }
  if (ENCRYPTED.test(trimmed)) {
    throw new KeyFormatError(source, 'it is an encrypted PKCS#8 key; decrypt it with `openssl pkcs8 -in key.pem -out plain.pem` first');
  }
  if (trimmed.startsWith('-----BEGIN')) {
    const pem = PKCS8.exec(trimmed)?.[0];
    if (!pem) throw new KeyFormatError(source, 'it is PEM but not a "BEGIN PRIVATE KEY" (PKCS#8) block');
    try {
      return { key: await importPKCS8(pem, 'RS256') };
    } catch {
      throw new KeyFormatError(source, 'the PKCS#8 PEM could not be imported as an RSA key for RS256');
    }
  }
  return importJwkText(trimmed.startsWith('{') ? trimmed : decodeBase64(trimmed, source), source);
}

function decodeBase64(text: string, source: string): string {
  if (!/^[A-Za-z0-9+/_=\s-]+$/.test(text)) {
    throw new KeyFormatError(source, 'expected a PKCS#8 PEM, a JWK as JSON, or a base64-encoded JWK');
  }
  const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  registerSecret(decoded);
  if (!decoded.trim().startsWith('{')) {
    throw new KeyFormatError(source, 'the base64 text does not decode to a JWK (JSON object)');
  }
  return decoded;
}

async function importJwkText(json: string, source: string): Promise<SigningKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(json) as JWK;
  } catch {
    throw new KeyFormatError(source, 'the JWK is not valid JSON');
  }
  for (const member of JWK_PRIVATE_MEMBERS) registerSecret(jwk[member]);
  if (jwk.kty !== 'RSA') throw new KeyFormatError(source, `the JWK has kty ${String(jwk.kty)}; an RSA key is needed for RS256`);
  if (!jwk.d) throw new KeyFormatError(source, 'the JWK is a public key (no "d" member); the private key is needed');
  try {
    const key = await importJWK({ ...jwk, alg: 'RS256' }, 'RS256');
    return jwk.kid ? { key: key as CryptoKey, jwkKid: jwk.kid } : { key: key as CryptoKey };
  } catch {
    throw new KeyFormatError(source, 'the JWK could not be imported as an RSA key for RS256');
  }
}

/** Reads the key from `privateKeyEnv` (the key itself) or `privateKeyFileEnv` (a path to it). */
export async function loadSigningKey(
  where: { privateKeyEnv?: string; privateKeyFileEnv?: string },
  env: ProcessEnv,
): Promise<SigningKey> {
  if (where.privateKeyEnv && env[where.privateKeyEnv]?.trim()) {
    return parsePrivateKey(readSecret(where.privateKeyEnv, 'Maskinporten private key', env), where.privateKeyEnv);
  }
  if (where.privateKeyFileEnv) {
    const path = readSetting(where.privateKeyFileEnv, 'path to the Maskinporten private key file', env);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new KeyFormatError(where.privateKeyFileEnv, 'the file it names cannot be read');
    }
    return parsePrivateKey(text, `the file named by ${where.privateKeyFileEnv}`);
  }
  // Neither is set: name the variable the configuration points at first.
  return parsePrivateKey(
    readSecret(where.privateKeyEnv ?? where.privateKeyFileEnv ?? 'privateKeyEnv', 'Maskinporten private key', env),
    where.privateKeyEnv ?? 'privateKeyEnv',
  );
}

/** Splits a PEM certificate chain (leaf first) into the `x5c` header value: base64 DER per certificate. */
export function certificateChainToX5c(pemChain: string, source: string): string[] {
  const blocks = pemChain.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new KeyFormatError(source, 'no "BEGIN CERTIFICATE" block found in the certificate chain');
  return blocks.map((block) => {
    try {
      return Buffer.from(new X509Certificate(block).raw).toString('base64');
    } catch {
      throw new KeyFormatError(source, 'a certificate in the chain could not be parsed');
    }
  });
}
