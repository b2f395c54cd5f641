/** @module Self-tests of the APIM header helper: sent only when the environment names a variable that holds a value, and masked. */
import { test, expect } from '@playwright/test';
import { redactText } from '../ledger/redact.ts';
import { apimHeaders } from './apim.ts';

test('no header without a configured variable, or when the variable is empty', () => {
  expect(apimHeaders({}, { BROKER_APIM_SUBSCRIPTION_KEY: 'abcdef123456' })).toEqual({});
  expect(apimHeaders({ apimSubscriptionKeyEnv: 'BROKER_APIM_SUBSCRIPTION_KEY' }, {})).toEqual({});
  expect(apimHeaders({ apimSubscriptionKeyEnv: 'BROKER_APIM_SUBSCRIPTION_KEY' }, { BROKER_APIM_SUBSCRIPTION_KEY: '  ' })).toEqual({});
});

test('the header carries the key when configured, and the key is registered for redaction', () => {
  const headers = apimHeaders({ apimSubscriptionKeyEnv: 'BROKER_APIM_SUBSCRIPTION_KEY' }, { BROKER_APIM_SUBSCRIPTION_KEY: 'apim-key-0123456789' });
  expect(headers).toEqual({ 'Ocp-Apim-Subscription-Key': 'apim-key-0123456789' });
  expect(redactText('key=apim-key-0123456789')).not.toContain('apim-key-0123456789');
});
