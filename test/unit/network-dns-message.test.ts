import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedMessage, RCODE, TYPE, encodeResponse, parseQuery, readId, type Response } from '../../main/addon/dns/message.ts';

/** A query as a stub resolver sends it: header, one question, optionally an EDNS OPT record. */
function query(name: string, type: number, options: { id?: number; udpSize?: number; rd?: boolean } = {}): Buffer {
  const labels = name.split('.').flatMap((label) => [Buffer.from([label.length]), Buffer.from(label)]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(options.id ?? 0x1234, 0);
  header.writeUInt16BE(options.rd === false ? 0 : 0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(options.udpSize ? 1 : 0, 10);
  const question = Buffer.concat([...labels, Buffer.from([0]), Buffer.from([0, type, 0, 1])]);
  const opt = options.udpSize ? Buffer.from([0, 0, 41, options.udpSize >> 8, options.udpSize & 0xff, 0, 0, 0, 0, 0, 0]) : Buffer.alloc(0);
  return Buffer.concat([header, question, opt]);
}

function response(overrides: Partial<Response> = {}): Response {
  return {
    id: 7,
    opcode: 0,
    rcode: RCODE.NOERROR,
    authoritative: true,
    recursionDesired: true,
    questions: [{ name: 'web.default.svc.cluster.local', type: TYPE.A, class: 1 }],
    answers: [],
    authority: [],
    additional: [],
    ...overrides,
  };
}

describe('DNS message codec', () => {
  it('reads a query: id, recursion desired, the question lower-cased', () => {
    const parsed = parseQuery(query('Web.Default.SVC.cluster.local', TYPE.A, { id: 42 }));
    assert.deepEqual(parsed, { id: 42, opcode: 0, recursionDesired: true, questions: [{ name: 'web.default.svc.cluster.local', type: TYPE.A, class: 1 }] });
  });

  it('reads the client UDP size from an EDNS OPT record, never below 512', () => {
    assert.equal(parseQuery(query('a.b', TYPE.A, { udpSize: 4096 })).ednsUdpSize, 4096);
    assert.equal(parseQuery(query('a.b', TYPE.A, { udpSize: 100 })).ednsUdpSize, 512);
    assert.equal(parseQuery(query('a.b', TYPE.A)).ednsUdpSize, undefined);
  });

  it('follows compression pointers and rejects pointer loops and truncated messages', () => {
    // Question name "x" + pointer to offset 12 is a loop back onto itself.
    const loop = Buffer.concat([query('a', TYPE.A).subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
    assert.throws(() => parseQuery(loop), MalformedMessage);
    assert.throws(() => parseQuery(Buffer.from([1, 2, 3])), MalformedMessage);
    assert.throws(() => parseQuery(query('web.default', TYPE.A).subarray(0, 20)), MalformedMessage);
    assert.equal(readId(Buffer.from([0xab, 0xcd, 0])), 0xabcd);
    assert.equal(readId(Buffer.from([1])), undefined);
  });

  it('writes an A answer with flags, counts and the answer name compressed onto the question', () => {
    const bytes = encodeResponse(response({ answers: [{ name: 'web.default.svc.cluster.local', ttl: 5, data: { type: TYPE.A, address: '10.96.0.12' } }] }));
    assert.equal(bytes.readUInt16BE(0), 7);
    // QR, AA, RD set; RCODE 0.
    assert.equal(bytes.readUInt16BE(2), 0x8000 | 0x0400 | 0x0100);
    assert.deepEqual([4, 6, 8, 10].map((o) => bytes.readUInt16BE(o)), [1, 1, 0, 0]);
    const questionEnd = 12 + 'web.default.svc.cluster.local'.length + 2 + 4;
    // The answer's name is a pointer to the question's (offset 12).
    assert.deepEqual([...bytes.subarray(questionEnd, questionEnd + 2)], [0xc0, 12]);
    assert.deepEqual([...bytes.subarray(bytes.length - 4)], [10, 96, 0, 12]);
    // The response parses back as a message with the same question.
    assert.deepEqual(parseQuery(bytes).questions, [{ name: 'web.default.svc.cluster.local', type: TYPE.A, class: 1 }]);
  });

  it('sets TC and drops the records when the answer does not fit the UDP limit', () => {
    const answers = Array.from({ length: 60 }, (_, i) => ({ name: 'db.default.svc.cluster.local', ttl: 5, data: { type: TYPE.A, address: `10.0.0.${i}` } as const }));
    const full = encodeResponse(response({ answers }));
    assert.ok(full.length > 512);
    const cut = encodeResponse(response({ answers }), 512);
    assert.ok(cut.length <= 512);
    assert.equal(cut.readUInt16BE(2) & 0x0200, 0x0200);
    assert.equal(cut.readUInt16BE(6), 0);
  });

  it('writes an OPT record when asked, and SRV and SOA data', () => {
    const bytes = encodeResponse(
      response({
        answers: [{ name: '_http._tcp.web.default.svc.cluster.local', ttl: 5, data: { type: TYPE.SRV, priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' } }],
        authority: [{ name: 'cluster.local', ttl: 5, data: { type: TYPE.SOA, mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } }],
        ednsUdpSize: 1232,
      }),
    );
    assert.deepEqual([6, 8, 10].map((o) => bytes.readUInt16BE(o)), [1, 1, 1]);
    // The OPT record ends the message: root name, type 41, class = UDP size, TTL 0, no data.
    assert.deepEqual([...bytes.subarray(bytes.length - 11)], [0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]);
  });
});
