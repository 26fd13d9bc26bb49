// The DNS wire format (RFC 1035), as much of it as a cluster resolver needs:
// queries are read (header, question, the EDNS OPT record of RFC 6891 for the
// client's UDP size), answers are written with name compression. Anything
// else in a query (answers, authority, other additional records) is skipped.

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const OPCODE_QUERY = 0;
/** The classic UDP limit, for clients that send no EDNS record. */
export const UDP_LIMIT = 512;
/** The payload size DNS Flag Day 2020 settled on: no fragmentation on any common path. */
export const EDNS_UDP_SIZE = 1232;

export interface Question {
  /** Lower-cased, without the trailing dot; '' for the root. */
  name: string;
  type: number;
  class: number;
}

export interface Query {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  questions: Question[];
  /** Set when the query carries an OPT record: the largest UDP answer the client accepts. */
  ednsUdpSize?: number;
}

export type RecordData =
  | { type: typeof TYPE.A; address: string }
  | { type: typeof TYPE.CNAME | typeof TYPE.PTR | typeof TYPE.NS; target: string }
  | { type: typeof TYPE.SRV; priority: number; weight: number; port: number; target: string }
  | { type: typeof TYPE.SOA; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };

export interface ResourceRecord {
  name: string;
  ttl: number;
  data: RecordData;
}

export interface Response {
  id: number;
  opcode: number;
  rcode: number;
  authoritative: boolean;
  recursionDesired: boolean;
  questions: Question[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
  /** Adds an OPT record advertising this UDP size (only when the query had one). */
  ednsUdpSize?: number;
}

export class MalformedMessage extends Error {}

const HEADER_SIZE = 12;
const MAX_POINTER_HOPS = 64;

/** Reads a query; throws MalformedMessage when it cannot be parsed (the header alone may still be, see `readId`). */
export function parseQuery(buffer: Buffer): Query {
  if (buffer.length < HEADER_SIZE) throw new MalformedMessage('shorter than a DNS header');
  const flags = buffer.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((offset) => buffer.readUInt16BE(offset));
  const [qdcount, ancount, nscount, arcount] = counts as [number, number, number, number];
  const query: Query = { id: buffer.readUInt16BE(0), opcode: (flags >> 11) & 0xf, recursionDesired: (flags & 0x0100) !== 0, questions: [] };
  let offset = HEADER_SIZE;
  for (let i = 0; i < qdcount; i++) {
    const { name, next } = readName(buffer, offset);
    if (next + 4 > buffer.length) throw new MalformedMessage('question ends early');
    query.questions.push({ name, type: buffer.readUInt16BE(next), class: buffer.readUInt16BE(next + 2) });
    offset = next + 4;
  }
  for (let i = 0; i < ancount + nscount + arcount; i++) {
    const { next } = readName(buffer, offset);
    if (next + 10 > buffer.length) throw new MalformedMessage('record ends early');
    const type = buffer.readUInt16BE(next);
    const rdlength = buffer.readUInt16BE(next + 8);
    if (i >= ancount + nscount && type === TYPE.OPT) query.ednsUdpSize = Math.max(UDP_LIMIT, buffer.readUInt16BE(next + 2));
    offset = next + 10 + rdlength;
    if (offset > buffer.length) throw new MalformedMessage('record data ends early');
  }
  return query;
}

/** The message ID, when at least that much arrived (for a FORMERR answer). */
export function readId(buffer: Buffer): number | undefined {
  return buffer.length >= 2 ? buffer.readUInt16BE(0) : undefined;
}

function readName(buffer: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let offset = start;
  let next: number | undefined;
  for (let hops = 0; ; ) {
    if (offset >= buffer.length) throw new MalformedMessage('name runs past the message');
    const length = buffer[offset]!;
    if ((length & 0xc0) === 0xc0) {
      if (offset + 1 >= buffer.length) throw new MalformedMessage('truncated compression pointer');
      if (++hops > MAX_POINTER_HOPS) throw new MalformedMessage('compression pointer loop');
      next ??= offset + 2;
      offset = ((length & 0x3f) << 8) | buffer[offset + 1]!;
      continue;
    }
    if (length & 0xc0) throw new MalformedMessage('unsupported label type');
    if (length === 0) break;
    if (offset + 1 + length > buffer.length) throw new MalformedMessage('label runs past the message');
    labels.push(buffer.toString('latin1', offset + 1, offset + 1 + length).toLowerCase());
    offset += 1 + length;
  }
  const name = labels.join('.');
  if (name.length > 253) throw new MalformedMessage('name longer than 255 octets');
  return { name, next: next ?? offset + 1 };
}

/** Writes a response; over `limit` bytes, answers are dropped and TC set (the client retries over TCP). */
export function encodeResponse(response: Response, limit = Infinity): Buffer {
  const full = encode(response, false);
  if (full.length <= limit) return full;
  return encode({ ...response, answers: [], authority: [], additional: [] }, true);
}

function encode(response: Response, truncated: boolean): Buffer {
  const writer = new Writer();
  const additional = response.additional.length + (response.ednsUdpSize ? 1 : 0);
  let flags = 0x8000 | ((response.opcode & 0xf) << 11) | (response.rcode & 0xf);
  if (response.authoritative) flags |= 0x0400;
  if (truncated) flags |= 0x0200;
  if (response.recursionDesired) flags |= 0x0100;
  for (const value of [response.id, flags, response.questions.length, response.answers.length, response.authority.length, additional]) writer.u16(value);
  for (const question of response.questions) {
    writer.name(question.name);
    writer.u16(question.type);
    writer.u16(question.class);
  }
  for (const record of [...response.answers, ...response.authority, ...response.additional]) writer.record(record);
  if (response.ednsUdpSize) {
    // OPT: root name, its class is the UDP size, extended rcode/version/flags 0, no options.
    writer.u8(0);
    writer.u16(TYPE.OPT);
    writer.u16(response.ednsUdpSize);
    writer.u32(0);
    writer.u16(0);
  }
  return writer.done();
}

class Writer {
  private buffer = Buffer.alloc(512);
  private length = 0;
  /** Offsets of names already written, for compression pointers (RFC 1035 4.1.4). */
  private readonly names = new Map<string, number>();

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const bigger = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buffer.writeUInt8(value, this.length);
    this.length += 1;
  }

  u16(value: number): void {
    this.ensure(2);
    this.buffer.writeUInt16BE(value, this.length);
    this.length += 2;
  }

  u32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32BE(value >>> 0, this.length);
    this.length += 4;
  }

  name(name: string): void {
    const labels = name === '' ? [] : name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const earlier = this.names.get(suffix);
      if (earlier !== undefined) {
        this.u16(0xc000 | earlier);
        return;
      }
      // Pointers hold 14 bits: later names can only point into the first 16 KiB.
      if (this.length < 0x4000) this.names.set(suffix, this.length);
      const label = Buffer.from(labels[i]!, 'latin1');
      if (label.length === 0 || label.length > 63) throw new RangeError(`invalid DNS label in "${name}"`);
      this.u8(label.length);
      this.ensure(label.length);
      label.copy(this.buffer, this.length);
      this.length += label.length;
    }
    this.u8(0);
  }

  record(record: ResourceRecord): void {
    this.name(record.name);
    this.u16(record.data.type);
    this.u16(CLASS_IN);
    this.u32(record.ttl);
    const lengthAt = this.length;
    this.u16(0);
    const data = record.data;
    switch (data.type) {
      case TYPE.A:
        for (const octet of data.address.split('.')) this.u8(Number(octet));
        break;
      case TYPE.CNAME:
      case TYPE.PTR:
      case TYPE.NS:
        this.name(data.target);
        break;
      case TYPE.SRV:
        this.u16(data.priority);
        this.u16(data.weight);
        this.u16(data.port);
        this.name(data.target);
        break;
      case TYPE.SOA:
        this.name(data.mname);
        this.name(data.rname);
        for (const value of [data.serial, data.refresh, data.retry, data.expire, data.minimum]) this.u32(value);
        break;
    }
    this.buffer.writeUInt16BE(this.length - lengthAt - 2, lengthAt);
  }

  done(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}
