// SPDY/3.1 framing (SPDY Protocol Draft 3.1, section 2.2): every frame has
// an 8-byte header. A control frame starts with the control bit, the
// version (3) and its type, then 8 bits of flags and a 24-bit length; a data
// frame starts with a 31-bit stream ID, then flags and length. Header blocks
// (SYN_STREAM, SYN_REPLY, HEADERS) travel here still compressed: their zlib
// context belongs to the connection (see headerCompression.ts), not to a
// frame, so the session inflates them in order.

export const SPDY_VERSION = 3;

export const FrameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

const FLAG_FIN = 0x01;
const FLAG_UNIDIRECTIONAL = 0x02;
const FLAG_CLEAR_SETTINGS = 0x01;

/** RST_STREAM status codes (2.6.3). */
export const RstStatus = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  unsupportedVersion: 4,
  cancel: 5,
  internalError: 6,
  flowControlError: 7,
  streamInUse: 8,
  streamAlreadyClosed: 9,
  frameTooLarge: 11,
} as const;

/** GOAWAY status codes (2.6.6). */
export const GoAwayStatus = { ok: 0, protocolError: 1, internalError: 2 } as const;

/** SETTINGS IDs PodLab reads (2.6.4); the others are accepted and ignored. */
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;

export const MAX_FRAME_LENGTH = 0xffffff;
const MAX_STREAM_ID = 0x7fffffff;

export interface Setting {
  flags: number;
  id: number;
  value: number;
}

export type Frame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'synStream'; streamId: number; associatedTo: number; priority: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: 'synReply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; settings: Setting[] }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'windowUpdate'; streamId: number; delta: number }
  /** A control frame of a type this version does not define: the receiver ignores it (2.2.1). */
  | { type: 'unknown'; frameType: number };

/** The peer broke the framing: the session cannot go on (a GOAWAY with PROTOCOL_ERROR, then the end). */
export class SpdyProtocolError extends Error {}

function controlHeader(type: number, flags: number, length: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(((flags & 0xff) << 24) | length, 4);
  return header;
}

function control(type: number, flags: number, body: Buffer): Buffer {
  if (body.length > MAX_FRAME_LENGTH) throw new RangeError(`a SPDY frame holds at most ${MAX_FRAME_LENGTH} bytes, not ${body.length}`);
  return Buffer.concat([controlHeader(type, flags, body.length), body]);
}

function words(...values: number[]): Buffer {
  const body = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => body.writeUInt32BE(value >>> 0, i * 4));
  return body;
}

export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case 'data': {
      if (frame.data.length > MAX_FRAME_LENGTH) throw new RangeError(`a SPDY data frame holds at most ${MAX_FRAME_LENGTH} bytes`);
      const header = words(frame.streamId & MAX_STREAM_ID, ((frame.fin ? FLAG_FIN : 0) << 24) | frame.data.length);
      return Buffer.concat([header, frame.data]);
    }
    case 'synStream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId & MAX_STREAM_ID, 0);
      fixed.writeUInt32BE(frame.associatedTo & MAX_STREAM_ID, 4);
      fixed.writeUInt8((frame.priority & 0x07) << 5, 8);
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return control(FrameType.synStream, flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case 'synReply':
      return control(FrameType.synReply, frame.fin ? FLAG_FIN : 0, Buffer.concat([words(frame.streamId & MAX_STREAM_ID), frame.headerBlock]));
    case 'headers':
      return control(FrameType.headers, frame.fin ? FLAG_FIN : 0, Buffer.concat([words(frame.streamId & MAX_STREAM_ID), frame.headerBlock]));
    case 'rstStream':
      return control(FrameType.rstStream, 0, words(frame.streamId & MAX_STREAM_ID, frame.status));
    case 'settings':
      return control(
        FrameType.settings,
        frame.clear ? FLAG_CLEAR_SETTINGS : 0,
        words(frame.settings.length, ...frame.settings.flatMap((s) => [((s.flags & 0xff) << 24) | (s.id & 0xffffff), s.value])),
      );
    case 'ping':
      return control(FrameType.ping, 0, words(frame.id));
    case 'goAway':
      return control(FrameType.goAway, 0, words(frame.lastGoodStreamId & MAX_STREAM_ID, frame.status));
    case 'windowUpdate':
      return control(FrameType.windowUpdate, 0, words(frame.streamId & MAX_STREAM_ID, frame.delta & MAX_STREAM_ID));
    case 'unknown':
      return control(frame.frameType, 0, Buffer.alloc(0));
  }
}

function expectLength(name: string, body: Buffer, length: number): void {
  if (body.length !== length) throw new SpdyProtocolError(`${name} frame of ${body.length} bytes (it has ${length})`);
}

function atLeast(name: string, body: Buffer, length: number): void {
  if (body.length < length) throw new SpdyProtocolError(`${name} frame of ${body.length} bytes (it needs ${length})`);
}

function decodeControl(type: number, flags: number, body: Buffer): Frame {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case FrameType.synStream:
      atLeast('SYN_STREAM', body, 10);
      return {
        type: 'synStream',
        streamId: body.readUInt32BE(0) & MAX_STREAM_ID,
        associatedTo: body.readUInt32BE(4) & MAX_STREAM_ID,
        priority: body.readUInt8(8) >> 5,
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: body.subarray(10),
      };
    case FrameType.synReply:
    case FrameType.headers:
      atLeast(type === FrameType.synReply ? 'SYN_REPLY' : 'HEADERS', body, 4);
      return { type: type === FrameType.synReply ? 'synReply' : 'headers', streamId: body.readUInt32BE(0) & MAX_STREAM_ID, fin, headerBlock: body.subarray(4) };
    case FrameType.rstStream:
      expectLength('RST_STREAM', body, 8);
      return { type: 'rstStream', streamId: body.readUInt32BE(0) & MAX_STREAM_ID, status: body.readUInt32BE(4) };
    case FrameType.settings: {
      atLeast('SETTINGS', body, 4);
      const count = body.readUInt32BE(0);
      expectLength('SETTINGS', body, 4 + count * 8);
      const settings: Setting[] = [];
      for (let at = 4; at < body.length; at += 8) {
        const flagsAndId = body.readUInt32BE(at);
        settings.push({ flags: flagsAndId >>> 24, id: flagsAndId & 0xffffff, value: body.readUInt32BE(at + 4) });
      }
      return { type: 'settings', clear: (flags & FLAG_CLEAR_SETTINGS) !== 0, settings };
    }
    case FrameType.ping:
      expectLength('PING', body, 4);
      return { type: 'ping', id: body.readUInt32BE(0) };
    case FrameType.goAway:
      expectLength('GOAWAY', body, 8);
      return { type: 'goAway', lastGoodStreamId: body.readUInt32BE(0) & MAX_STREAM_ID, status: body.readUInt32BE(4) };
    case FrameType.windowUpdate:
      expectLength('WINDOW_UPDATE', body, 8);
      return { type: 'windowUpdate', streamId: body.readUInt32BE(0) & MAX_STREAM_ID, delta: body.readUInt32BE(4) & MAX_STREAM_ID };
    default:
      return { type: 'unknown', frameType: type };
  }
}

/**
 * Cuts a byte stream into frames. Frames may arrive split across, or packed
 * into, transport chunks (a WebSocket tunnel's message boundaries mean
 * nothing either).
 */
export class FrameParser {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Everything complete so far; throws SpdyProtocolError on a frame no SPDY/3 peer would send. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    while (this.buffered >= 8) {
      const header = this.peek(8);
      const length = header.readUInt32BE(4) & 0xffffff;
      if (this.buffered < 8 + length) break;
      const bytes = this.take(8 + length);
      frames.push(decodeFrame(bytes));
    }
    return frames;
  }

  private peek(length: number): Buffer {
    if (this.chunks[0]!.length < length) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, length);
  }

  private take(length: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = all.subarray(length);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, length);
  }
}

/** One whole frame, header included. */
export function decodeFrame(bytes: Buffer): Frame {
  const first = bytes.readUInt32BE(0);
  const flags = bytes.readUInt8(4);
  const body = bytes.subarray(8);
  if (first & 0x80000000) {
    const version = (first >>> 16) & 0x7fff;
    if (version !== SPDY_VERSION) throw new SpdyProtocolError(`SPDY version ${version} frame: this server speaks SPDY/3.1`);
    return decodeControl(first & 0xffff, flags, body);
  }
  const streamId = first & MAX_STREAM_ID;
  if (streamId === 0) throw new SpdyProtocolError('data frame on stream 0');
  return { type: 'data', streamId, fin: (flags & FLAG_FIN) !== 0, data: body };
}
