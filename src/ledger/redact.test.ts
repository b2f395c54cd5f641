import { expect, test } from '@playwright/test';
import { MASK, redactHeaders, redactText, redactUrl, redactValue, registerSecret } from './redact.ts';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6ImFsdGlubjpicm9rZXIud3JpdGUifQ.c2lnbmF0dXJlLWJ5dGVz';

test('Authorization and APIM key headers are masked, the scheme is kept', () => {
  const out = redactHeaders({
    Authorization: `Bearer ${jwt}`,
    'Ocp-Apim-Subscription-Key': 'abcdef0123456789',
    'content-type': 'application/json',
    'X-Altinn-EnterpriseUser-Authentication': 'dXNlcjpwYXNz',
  });
  expect(out.Authorization).toBe(`Bearer ${MASK}`);
  expect(out['Ocp-Apim-Subscription-Key']).toBe(MASK);
  expect(out['X-Altinn-EnterpriseUser-Authentication']).toBe(MASK);
  expect(out['content-type']).toBe('application/json');
});

test('credentials in URLs are masked: userinfo and sensitive query parameters', () => {
  const out = redactUrl('https://user:hunter2@example.test/token?assertion=abc.def.ghi&resourceId=r1');
  expect(out).not.toContain('hunter2');
  expect(out).not.toContain('abc.def.ghi');
  expect(out).toContain('resourceId=r1');
});

test('JWTs and PEM private keys are masked by shape in free text', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
  const out = redactText(`token ${jwt} and key ${pem} and grant assertion=${'x'.repeat(20)}&grant_type=jwt`);
  expect(out).not.toContain('eyJhbGci');
  expect(out).not.toContain('MIIEvQIB');
  expect(out).not.toContain('x'.repeat(20));
  expect(out).toContain('grant_type=jwt');
});

test('JSON bodies: token responses and private JWK members are masked, public members kept', () => {
  const out = redactValue({
    access_token: 'opaque-token-value',
    token_type: 'Bearer',
    key: { kty: 'RSA', n: 'public-modulus', e: 'AQAB', d: 'private-exponent', p: 'prime1', q: 'prime2' },
    nested: [{ password: 'hunter2hunter2' }],
  });
  expect(out.access_token).toBe(MASK);
  expect(out.token_type).toBe('Bearer');
  expect(out.key).toEqual({ kty: 'RSA', n: 'public-modulus', e: 'AQAB', d: MASK, p: MASK, q: MASK });
  expect(out.nested[0]!.password).toBe(MASK);
});

test('a registered secret is masked wherever it appears, even without a telltale shape', () => {
  const secret = 'zz-opaque-subscription-key-42';
  expect(redactText(`sent ${secret} twice: ${secret}`)).toContain(secret);
  registerSecret(secret);
  expect(redactText(`sent ${secret} twice: ${secret}`)).toBe(`sent ${MASK} twice: ${MASK}`);
  expect(redactValue({ note: `x${secret}y` }).note).toBe(`x${MASK}y`);
});

test('registered secrets: one inside another is masked with it, whichever came first; later ones count at once; regex characters are literal', () => {
  const inner = 'k3y-(inner).+*';
  const outer = `prefix-${inner}-suffix-long`;
  registerSecret(inner);
  expect(redactText(`a ${inner} b`)).toBe(`a ${MASK} b`);
  registerSecret(outer);
  // Masked whole: no leftover of the longer secret around the shorter one's mask.
  expect(redactText(`a ${outer} b ${inner} c`)).toBe(`a ${MASK} b ${MASK} c`);
  expect(redactText('k3y-XinnerX++')).toBe('k3y-XinnerX++');
  // Short text that could hold none of them is left as it is, and still goes through the shape checks.
  expect(redactText('token=abc')).toBe(`token=${MASK}`);
});
