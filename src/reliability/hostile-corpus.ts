/**
 * @module A generated corpus of hostile requests to a Broker (at least 1,000 cases): malformed and
 * deeply nested JSON, huge strings, wrong types, invalid UTF-8, header injection, path traversal in
 * file names, forged tokens, other parties' and malformed transfer ids, garbage queries and
 * multipart bodies. Each case says who sends it; the runner decides what a good answer is.
 */

export type Sender = 'sender' | 'outsider' | 'recipient' | 'none' | { bearer: string };

export interface HostileCase {
  name: string;
  category: string;
  method: string;
  /** Path and query; `{own}` is replaced with a transfer of the sender, `{published}` with a published one. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  as: Sender;
  /** Raw bytes written to the socket instead (header injection, broken framing). */
  raw?: (host: string) => Buffer;
  /** Always part of a sample: a case that once made a real Broker answer 5xx, hang or accept bad input. */
  sentinel?: boolean;
  /** The Broker must refuse it with a 4xx (not only avoid a 5xx): the input is invalid, not merely odd. */
  mustRefuse?: boolean;
}

export const API = '/broker/api/v1';

export interface CorpusContext {
  resourceId: string;
  sender: string;
  recipient: string;
  /** Forged tokens (alg none, unknown key, HS256 with the public key, expired, wrong issuer…), by name. */
  forgedTokens: Record<string, string>;
  /** Written as sendersFileTransferReference and as a property, so transfers a case leaves behind can be recognised. */
  marker?: string;
}

export function validInitialize(ctx: CorpusContext): Record<string, unknown> {
  return {
    fileName: 'hostile.txt',
    resourceId: ctx.resourceId,
    sendersFileTransferReference: ctx.marker ?? 'hostile-ref',
    sender: ctx.sender,
    recipients: [ctx.recipient],
    propertyList: ctx.marker ? { k: 'v', marker: ctx.marker } : { k: 'v' },
    checksum: null,
    disableVirusScan: false,
  };
}

const json = { 'content-type': 'application/json' };

function malformedJson(ctx: CorpusContext): HostileCase[] {
  const text = JSON.stringify(validInitialize(ctx));
  const cases: HostileCase[] = [];
  // Every truncation of a valid body: unterminated strings, objects, arrays, literals.
  for (let i = 0; i < text.length; i += 1) {
    cases.push({ name: `initialize truncated at ${i}`, category: 'malformed-json', method: 'POST', path: `${API}/filetransfer`, headers: json, body: text.slice(0, i), as: 'sender' });
  }
  const broken = ['{', '}', '[', 'null', 'true', '"x"', '12', '{"fileName":}', "{'fileName':'x'}", '{"a":1,,}', '{"a":NaN}', '{"a":Infinity}', '\u0000', '{"a":"\\uZZZZ"}', '{"a":1}{"b":2}', '/* c */ {}', '{"a":"x"', '\uFEFF{}'];
  for (const b of broken) cases.push({ name: `initialize body ${JSON.stringify(b).slice(0, 30)}`, category: 'malformed-json', method: 'POST', path: `${API}/filetransfer`, headers: json, body: b, as: 'sender' });
  for (const b of broken) cases.push({ name: `resource PUT body ${JSON.stringify(b).slice(0, 30)}`, category: 'malformed-json', method: 'PUT', path: `${API}/resource/${ctx.resourceId}`, headers: json, body: b, as: 'sender' });
  for (const b of broken) cases.push({ name: `serviceowner POST body ${JSON.stringify(b).slice(0, 30)}`, category: 'malformed-json', method: 'POST', path: `${API}/serviceowner`, headers: json, body: b, as: 'sender' });
  return cases;
}

function deepNesting(ctx: CorpusContext): HostileCase[] {
  return [10, 64, 100, 1000, 10_000, 100_000].flatMap((depth) => [
    { name: `array nested ${depth} deep`, category: 'deep-nesting', method: 'POST', path: `${API}/filetransfer`, headers: json, body: `${'['.repeat(depth)}${']'.repeat(depth)}`, as: 'sender' as const },
    { name: `propertyList nested ${depth} deep`, category: 'deep-nesting', method: 'POST', path: `${API}/filetransfer`, headers: json, body: JSON.stringify(validInitialize(ctx)).replace('"k":"v"', `"k":${'{"k":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}`), as: 'sender' as const },
  ]);
}

function hugeStrings(ctx: CorpusContext): HostileCase[] {
  const fields = ['fileName', 'resourceId', 'sendersFileTransferReference', 'sender', 'checksum'];
  return [256, 501, 4097, 100_000, 2_000_000].flatMap((n) =>
    fields.map((f) => ({ name: `${f} of ${n} chars`, category: 'huge-strings', method: 'POST', path: `${API}/filetransfer`, headers: json, body: JSON.stringify({ ...validInitialize(ctx), [f]: 'x'.repeat(n) }), as: 'sender' as const })),
  );
}

function wrongTypes(ctx: CorpusContext): HostileCase[] {
  const fields = Object.keys(validInitialize(ctx));
  const values: unknown[] = [42, -1.5, true, [], ['a'], {}, { a: 1 }, null, '', 'string'];
  const cases: HostileCase[] = [];
  for (const f of fields) {
    for (const v of values) {
      cases.push({ name: `initialize ${f} = ${JSON.stringify(v)}`, category: 'wrong-types', method: 'POST', path: `${API}/filetransfer`, headers: json, body: JSON.stringify({ ...validInitialize(ctx), [f]: v }), as: 'sender' });
    }
  }
  const resourceFields = ['maxFileTransferSize', 'fileTransferTimeToLive', 'purgeFileTransferAfterAllRecipientsConfirmed', 'purgeFileTransferGracePeriod', 'useManifestFileShim', 'externalServiceCodeLegacy', 'externalServiceEditionCodeLegacy', 'requiredParty'];
  for (const f of resourceFields) {
    for (const v of values) cases.push({ name: `resource ${f} = ${JSON.stringify(v)}`, category: 'wrong-types', method: 'PUT', path: `${API}/resource/${ctx.resourceId}`, headers: json, body: JSON.stringify({ [f]: v }), as: 'outsider' });
  }
  cases.push({ name: 'propertyList with a null value', category: 'wrong-types', method: 'POST', path: `${API}/filetransfer`, headers: json, body: JSON.stringify({ ...validInitialize(ctx), propertyList: { k: null } }), as: 'sender' });
  cases.push({ name: 'recipients with a null element', category: 'wrong-types', method: 'POST', path: `${API}/filetransfer`, headers: json, body: JSON.stringify({ ...validInitialize(ctx), recipients: [null] }), as: 'sender' });
  return cases;
}

function invalidUtf8(ctx: CorpusContext): HostileCase[] {
  const bad = [Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xe2, 0x82])];
  const text = JSON.stringify(validInitialize(ctx));
  return bad.flatMap((b, i) => {
    const [head, tail] = text.split('hostile.txt') as [string, string];
    return [
      { name: `invalid UTF-8 #${i} in fileName`, category: 'invalid-utf8', method: 'POST', path: `${API}/filetransfer`, headers: json, body: Buffer.concat([Buffer.from(head), b, Buffer.from(tail)]), as: 'sender' as const },
      { name: `invalid UTF-8 #${i} as the whole body`, category: 'invalid-utf8', method: 'POST', path: `${API}/filetransfer`, headers: json, body: b, as: 'sender' as const },
    ];
  });
}

function pathTraversal(ctx: CorpusContext): HostileCase[] {
  const names = ['../../etc/passwd', '..\\..\\windows\\win.ini', '/etc/shadow', 'C:\\boot.ini', '%2e%2e%2fsecret', 'a/../../b', 'name\u0000.txt', 'line\r\nbreak.txt', 'tab\tname', '\u202Egnp.exe', 'con', '.', '..', ' ', 'a'.repeat(255)];
  return names.map((fileName) => ({ name: `fileName ${JSON.stringify(fileName).slice(0, 40)}`, category: 'path-traversal', method: 'POST', path: `${API}/filetransfer`, headers: json, body: JSON.stringify({ ...validInitialize(ctx), fileName }), as: 'sender' as const }));
}

function forgedTokens(ctx: CorpusContext): HostileCase[] {
  const targets: [string, string, Record<string, string>, string?][] = [
    ['POST', `${API}/filetransfer`, json, JSON.stringify(validInitialize(ctx))],
    ['GET', `${API}/filetransfer/{own}`, {}],
    ['GET', `${API}/filetransfer/{own}/details`, {}],
    ['GET', `${API}/filetransfer?resourceId=${ctx.resourceId}`, {}],
    ['GET', `${API}/filetransfer/{published}/download`, {}],
    ['POST', `${API}/filetransfer/{published}/confirmdownload`, {}],
    ['GET', `${API}/serviceowner`, {}],
    ['GET', `${API}/resource/${ctx.resourceId}`, {}],
  ];
  const bearerValues: Record<string, string> = {
    ...ctx.forgedTokens,
    'empty bearer': '',
    'garbage bearer': 'not-a-jwt',
    'two dots': '..',
    'huge bearer': 'eyJ'.padEnd(12_000, 'A'),
  };
  const cases: HostileCase[] = [];
  for (const [method, path, headers, body] of targets) {
    for (const [tokenName, token] of Object.entries(bearerValues)) {
      cases.push({ name: `${method} ${path} with ${tokenName}`, category: 'forged-token', method, path, headers, ...(body ? { body } : {}), as: { bearer: token } });
    }
    cases.push({ name: `${method} ${path} with Basic auth`, category: 'forged-token', method, path, headers: { ...headers, authorization: 'Basic dXNlcjpwYXNz' }, ...(body ? { body } : {}), as: 'none' });
  }
  return cases;
}

function foreignAndBadIds(): HostileCase[] {
  const ids = ['00000000-0000-0000-0000-000000000000', '{own}', '{published}', 'not-a-guid', '..%2F..%2Fetc%2Fpasswd', '%00', 'a'.repeat(5000), '6F1C2D8E-3B7A-4C1E-9A52-0D4F7E8B9C10', '{6f1c2d8e-3b7a-4c1e-9a52-0d4f7e8b9c10}', '6f1c2d8e3b7a4c1e9a520d4f7e8b9c10'];
  const ops: [string, string][] = [
    ['GET', ''],
    ['GET', '/details'],
    ['GET', '/download'],
    ['POST', '/confirmdownload'],
    ['POST', '/upload'],
  ];
  return ids.flatMap((id) =>
    ops.flatMap(([method, suffix]) =>
      (['outsider', 'recipient', 'sender'] as const).map((as): HostileCase => ({
        name: `${method} ${suffix || '/'} of ${id.slice(0, 40)} as ${as}`,
        category: 'foreign-or-bad-id',
        method,
        path: `${API}/filetransfer/${id}${suffix}`,
        headers: suffix === '/upload' ? { 'content-type': 'application/octet-stream' } : ({} as Record<string, string>),
        ...(suffix === '/upload' ? { body: 'payload' } : {}),
        as,
      })),
    ),
  );
}

function queryFuzz(ctx: CorpusContext): HostileCase[] {
  const params = [
    'resourceId=', 'status=99', 'status=-1', 'status=Bogus', 'recipientStatus=7', 'from=yesterday', 'to=2026-13-45T99:99:99Z',
    'from=2026-01-01&to=2025-01-01', 'orderAscending=yes', 'role=Admin', `resourceId=${'x'.repeat(3000)}`, 'resourceId=urn:altinn:resource:x',
    'status=Published&status=Failed', 'resourceId=%00', 'from=%FF', 'size=-5',
  ];
  return params.map((q) => ({ name: `search ?${q.slice(0, 40)}`, category: 'query-fuzz', method: 'GET', path: `${API}/filetransfer?${q.startsWith('resourceId') ? q : `resourceId=${ctx.resourceId}&${q}`}`, headers: {}, as: 'sender' as const }));
}

function multipartGarbage(ctx: CorpusContext): HostileCase[] {
  const boundary = 'hostileBoundary';
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const good = part('Metadata.FileName', 'a.txt') + part('Metadata.ResourceId', ctx.resourceId) + part('Metadata.SendersFileTransferReference', ctx.marker ?? 'r') + part('Metadata.Sender', ctx.sender) + part('Metadata.Recipients', ctx.recipient);
  const file = `--${boundary}\r\nContent-Disposition: form-data; name="FileTransfer"; filename="../../x.txt"\r\nContent-Type: application/octet-stream\r\n\r\nDATA\r\n`;
  const bodies: [string, string, string][] = [
    ['no boundary parameter', 'multipart/form-data', good + file + `--${boundary}--\r\n`],
    ['wrong boundary', `multipart/form-data; boundary=other`, good + file + `--${boundary}--\r\n`],
    ['no closing boundary', `multipart/form-data; boundary=${boundary}`, good + file],
    ['no file part', `multipart/form-data; boundary=${boundary}`, good + `--${boundary}--\r\n`],
    ['only garbage', `multipart/form-data; boundary=${boundary}`, 'garbage'],
    ['empty body', `multipart/form-data; boundary=${boundary}`, ''],
    ['10,000 fields', `multipart/form-data; boundary=${boundary}`, good + part('x', 'y').repeat(10_000) + file + `--${boundary}--\r\n`],
    ['header without colon', `multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nbroken header\r\n\r\nx\r\n--${boundary}--\r\n`],
    ['traversal file name', `multipart/form-data; boundary=${boundary}`, good + file + `--${boundary}--\r\n`],
  ];
  return bodies.map(([name, contentType, body]) => ({ name: `multipart: ${name}`, category: 'multipart-garbage', method: 'POST', path: `${API}/filetransfer/upload`, headers: { 'content-type': contentType }, body, as: 'sender' as const }));
}

function headerInjection(ctx: CorpusContext): HostileCase[] {
  const raw = (lines: string[], body = '') => (host: string) => Buffer.from(`${lines.join('\r\n').replace('{host}', host)}\r\n\r\n${body}`);
  const get = `GET ${API}/filetransfer?resourceId=${ctx.resourceId} HTTP/1.1`;
  return [
    { name: 'CRLF smuggled in a header value', lines: [get, 'Host: {host}', 'X-Test: a\rInjected: b', 'Connection: close'] },
    { name: 'header name with a space', lines: [get, 'Host: {host}', 'Bad Header: x', 'Connection: close'] },
    { name: 'two Content-Length headers', lines: [`POST ${API}/filetransfer HTTP/1.1`, 'Host: {host}', 'Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 5', 'Connection: close'], body: '{}' },
    { name: 'Content-Length and chunked', lines: [`POST ${API}/filetransfer HTTP/1.1`, 'Host: {host}', 'Content-Type: application/json', 'Content-Length: 2', 'Transfer-Encoding: chunked', 'Connection: close'], body: '0\r\n\r\n' },
    { name: 'a 64 KiB header', lines: [get, 'Host: {host}', `X-Big: ${'a'.repeat(65_536)}`, 'Connection: close'] },
    { name: 'request line with a NUL', lines: [`GET ${API}/file\u0000transfer HTTP/1.1`, 'Host: {host}', 'Connection: close'] },
    { name: 'HTTP/0.9 style request', lines: [`GET ${API}/filetransfer`] },
    { name: 'absurd method', lines: [`BREW ${API}/filetransfer HTTP/1.1`, 'Host: {host}', 'Connection: close'] },
    { name: 'path traversal in the URL', lines: [`GET /broker/api/v1/../../../../etc/passwd HTTP/1.1`, 'Host: {host}', 'Connection: close'] },
    { name: 'negative Content-Length', lines: [`POST ${API}/filetransfer HTTP/1.1`, 'Host: {host}', 'Content-Type: application/json', 'Content-Length: -1', 'Connection: close'] },
  ].map((c) => ({ name: c.name, category: 'header-injection', method: 'RAW', path: '', headers: {}, as: 'none' as const, raw: raw(c.lines, c.body) }));
}

function headerFuzz(ctx: CorpusContext): HostileCase[] {
  const cases: HostileCase[] = [];
  const ranges = ['bytes=0-0', 'bytes=-', 'bytes=abc', 'bytes=5-2', 'bytes=0-1,2-3', 'bytes=999999-', 'bytes=-0', 'items=0-1', 'bytes=0-18446744073709551616', ' bytes=0-1', 'bytes= 0-1', 'bytes=-99999999999', 'bytes=0--1', 'bytes=1-1-1', 'bytes=0-1;x', 'bytes=%00', 'BYTES=0-1', 'bytes=00000000000000000000001-2'];
  for (const range of ranges) {
    cases.push({ name: `download Range: ${range}`, category: 'header-fuzz', method: 'GET', path: `${API}/filetransfer/{published}/download`, headers: { range }, as: 'recipient' });
  }
  const accepts = ['application/xml', 'application/*', '', 'text/html;q=0.9', '*/*;q=0', 'application/json, text/plain', 'garbage', ';;;', 'application/json;q=abc', 'A'.repeat(8000)];
  const endpoints: [string, string, string?][] = [
    ['GET', `${API}/filetransfer/{own}`],
    ['GET', `${API}/filetransfer/{own}/details`],
    ['GET', `${API}/filetransfer?resourceId=${ctx.resourceId}`],
    ['POST', `${API}/filetransfer`, JSON.stringify(validInitialize(ctx))],
    ['POST', `${API}/filetransfer/{published}/confirmdownload`],
    ['GET', `${API}/filetransfer/{published}/download`],
    ['GET', `${API}/serviceowner`],
    ['GET', `${API}/resource/${ctx.resourceId}`],
  ];
  for (const accept of accepts) {
    for (const [method, path, body] of endpoints) {
      cases.push({ name: `${method} ${path} Accept: ${accept.slice(0, 20)}`, category: 'header-fuzz', method, path, headers: { accept, ...(body ? json : {}) }, ...(body ? { body } : {}), as: path.includes('download') || path.includes('confirm') ? 'recipient' : 'sender' });
    }
  }
  const contentTypes = ['text/plain', 'application/xml', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/octet-stream', '', 'garbage/', '/json', 'application/json; boundary=x', 'APPLICATION/JSON', 'application/problem+json', 'image/png', 'application/json;;;', 'text/json'];
  for (const contentType of contentTypes) {
    cases.push({ name: `initialize Content-Type: ${contentType}`, category: 'header-fuzz', method: 'POST', path: `${API}/filetransfer`, headers: { 'content-type': contentType }, body: JSON.stringify(validInitialize(ctx)), as: 'sender' });
    cases.push({ name: `upload Content-Type: ${contentType}`, category: 'header-fuzz', method: 'POST', path: `${API}/filetransfer/{own}/upload`, headers: { 'content-type': contentType }, body: 'x', as: 'sender' });
    cases.push({ name: `resource PUT Content-Type: ${contentType}`, category: 'header-fuzz', method: 'PUT', path: `${API}/resource/${ctx.resourceId}`, headers: { 'content-type': contentType }, body: '{}', as: 'sender' });
  }
  return cases;
}

function methodFuzz(ctx: CorpusContext): HostileCase[] {
  const paths = [`${API}/filetransfer`, `${API}/filetransfer/{own}`, `${API}/filetransfer/{own}/details`, `${API}/filetransfer/{own}/upload`, `${API}/filetransfer/{published}/download`, `${API}/filetransfer/{published}/confirmdownload`, `${API}/serviceowner`, `${API}/resource/${ctx.resourceId}`, '/health', `${API}/filetransfer/upload`];
  return paths.flatMap((path) => ['PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'].map((method) => ({ name: `${method} ${path}`, category: 'method-fuzz', method, path, headers: {}, as: 'sender' as const })));
}

function missingAndControlFields(ctx: CorpusContext): HostileCase[] {
  const base = validInitialize(ctx);
  const cases: HostileCase[] = [];
  for (const f of Object.keys(base)) {
    const { [f]: _omitted, ...rest } = base;
    cases.push({ name: `initialize without ${f}`, category: 'wrong-types', method: 'POST', path: `${API}/filetransfer`, headers: json, body: JSON.stringify(rest), as: 'sender' });
    for (const weird of ['\u0000', '\u001b[31m', '\ud800', '\uffff', '\r\n']) {
      cases.push({ name: `initialize ${f} with ${weird}`, category: 'wrong-types', method: 'POST', path: `${API}/filetransfer`, headers: json, body: JSON.stringify({ ...base, [f]: 'x' }).replace(`"${f}":"x"`, `"${f}":"a${weird}b"`), as: 'sender' });
    }
  }
  const multipartFields = ['Metadata.FileName', 'Metadata.ResourceId', 'Metadata.SendersFileTransferReference', 'Metadata.Sender', 'Metadata.Recipients', 'Metadata.PropertyList[k]', 'Metadata.Checksum', 'Metadata.DisableVirusScan'];
  const boundary = 'fuzzBoundary';
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const values: Record<string, string> = { FileName: 'a.txt', ResourceId: ctx.resourceId, SendersFileTransferReference: ctx.marker ?? 'r', Sender: ctx.sender, Recipients: ctx.recipient };
  for (const field of multipartFields) {
    for (const v of ['', 'x'.repeat(5000), 'true', '-1', '[]', '{}', 'null', '\u0000']) {
      const fields = Object.entries(values).map(([k, val]) => (`Metadata.${k}` === field ? '' : part(`Metadata.${k}`, val))).join('') + part(field, v);
      const file = `--${boundary}\r\nContent-Disposition: form-data; name="FileTransfer"; filename="f.txt"\r\nContent-Type: application/octet-stream\r\n\r\nDATA\r\n--${boundary}--\r\n`;
      cases.push({ name: `multipart ${field} = ${JSON.stringify(v).slice(0, 20)}`, category: 'multipart-garbage', method: 'POST', path: `${API}/filetransfer/upload`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: fields + file, as: 'sender' });
    }
  }
  return cases;
}

export function hostileCorpus(ctx: CorpusContext): HostileCase[] {
  return [
    ...malformedJson(ctx),
    ...deepNesting(ctx),
    ...hugeStrings(ctx),
    ...wrongTypes(ctx),
    ...invalidUtf8(ctx),
    ...pathTraversal(ctx),
    ...forgedTokens(ctx),
    ...foreignAndBadIds(),
    ...queryFuzz(ctx),
    ...multipartGarbage(ctx),
    ...headerInjection(ctx),
    ...headerFuzz(ctx),
    ...methodFuzz(ctx),
    ...missingAndControlFields(ctx),
  ];
}
