// SPDY/3.1 frames and header blocks as they go on the wire: every frame type
// encodes and decodes back whole however the bytes are cut, malformed frames
// are refused, and header blocks share one zlib context per direction, primed
// with the SPDY/3 dictionary.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constants, inflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../main/kubelet/streaming/spdy/dictionary.ts';
import { decodeFrame, encodeFrame, FrameParser, SpdyProtocolError, type Frame } from '../../main/kubelet/streaming/spdy/frames.ts';
import { decodeHeaderBlock, encodeHeaderBlock, HeaderBlockError } from '../../main/kubelet/streaming/spdy/headerBlock.ts';
import { HeaderCompressor, HeaderDecompressor } from '../../main/kubelet/streaming/spdy/headerCompression.ts';

const every: Frame[] = [
  { type: 'data', streamId: 3, fin: false, data: Buffer.from('hello') },
  { type: 'data', streamId: 0x7fffffff, fin: true, data: Buffer.alloc(0) },
  { type: 'synStream', streamId: 1, associatedTo: 0, priority: 7, fin: false, unidirectional: true, headerBlock: Buffer.from([1, 2, 3]) },
  { type: 'synReply', streamId: 1, fin: true, headerBlock: Buffer.from([4, 5]) },
  { type: 'rstStream', streamId: 5, status: 5 },
  { type: 'settings', clear: true, settings: [{ flags: 1, id: 7, value: 1 << 20 }, { flags: 0, id: 4, value: 100 }] },
  { type: 'ping', id: 0xfffffffe },
  { type: 'goAway', lastGoodStreamId: 9, status: 1 },
  { type: 'headers', streamId: 7, fin: false, headerBlock: Buffer.from([6]) },
  { type: 'windowUpdate', streamId: 0, delta: 0x7fffffff },
];

function parseAll(bytes: Buffer, cut: number): Frame[] {
  const parser = new FrameParser();
  const frames: Frame[] = [];
  for (let at = 0; at < bytes.length; at += cut) frames.push(...parser.push(bytes.subarray(at, at + cut)));
  return frames;
}

describe('SPDY frames', () => {
  it('every frame type decodes to what was encoded', () => {
    for (const frame of every) assert.deepEqual(decodeFrame(encodeFrame(frame)), frame);
  });

  it('lays out the control frame header as the draft does: control bit, version 3, type, flags, 24-bit length', () => {
    const bytes = encodeFrame({ type: 'windowUpdate', streamId: 1, delta: 65536 });
    assert.equal(bytes.toString('hex'), '80030009' + '00000008' + '00000001' + '00010000');
    const data = encodeFrame({ type: 'data', streamId: 3, fin: true, data: Buffer.from('ab') });
    assert.equal(data.toString('hex'), '00000003' + '01000002' + '6162');
  });

  it('the parser finds the same frames whether bytes come one by one, in odd pieces or all at once', () => {
    const bytes = Buffer.concat(every.map(encodeFrame));
    for (const cut of [1, 3, 7, 64, bytes.length]) assert.deepEqual(parseAll(bytes, cut), every, `cut every ${cut} bytes`);
  });

  it('keeps a partial frame until the rest arrives', () => {
    const parser = new FrameParser();
    const bytes = encodeFrame({ type: 'data', streamId: 1, fin: false, data: Buffer.alloc(1000, 7) });
    assert.deepEqual(parser.push(bytes.subarray(0, 500)), []);
    const [frame] = parser.push(bytes.subarray(500));
    assert.equal(frame?.type === 'data' && frame.data.length, 1000);
  });

  it('refuses frames of another SPDY version, data on stream 0 and control frames of the wrong size', () => {
    const v2 = encodeFrame({ type: 'ping', id: 1 });
    v2.writeUInt16BE(0x8002, 0);
    assert.throws(() => decodeFrame(v2), SpdyProtocolError);
    assert.throws(() => decodeFrame(Buffer.from('0000000000000000', 'hex')), SpdyProtocolError);
    const shortPing = Buffer.from('80030006' + '00000002' + '0001', 'hex');
    assert.throws(() => decodeFrame(shortPing), /PING frame of 2 bytes/);
  });

  it('passes over control frames of types it does not know', () => {
    const bytes = Buffer.from('8003000b' + '00000002' + 'abcd', 'hex');
    assert.deepEqual(decodeFrame(bytes), { type: 'unknown', frameType: 11 });
  });
});

describe('SPDY header blocks', () => {
  it('round-trips names and values, several values joined by NUL', () => {
    const headers = new Map([
      ['streamtype', ['data']],
      ['port', ['8080']],
      ['accept', ['a', 'b']],
    ]);
    const block = encodeHeaderBlock(headers);
    assert.equal(block.readUInt32BE(0), 3);
    assert.deepEqual(decodeHeaderBlock(block), headers);
    assert.ok(block.includes(Buffer.from('a\0b')));
  });

  it('refuses upper-case or repeated names and blocks cut short', () => {
    const upper = encodeHeaderBlock(new Map([['Port', ['1']]]));
    upper.write('P', 8);
    assert.throws(() => decodeHeaderBlock(upper), HeaderBlockError);
    const twice = Buffer.concat([Buffer.from([0, 0, 0, 2]), encodeHeaderBlock(new Map([['a', ['1']]])).subarray(4), encodeHeaderBlock(new Map([['a', ['2']]])).subarray(4)]);
    assert.throws(() => decodeHeaderBlock(twice), /appears twice/);
    assert.throws(() => decodeHeaderBlock(encodeHeaderBlock(new Map([['port', ['80']]])).subarray(0, 10)), HeaderBlockError);
  });
});

describe('SPDY header compression', () => {
  it('has the 1423-byte SPDY/3 dictionary (Adler-32 0xe3c6a7c2, the DICTID of every peer)', async () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    const compressor = new HeaderCompressor();
    const first = await compressor.compress(new Map([['port', ['80']]]));
    compressor.close();
    // zlib header with FDICT set, then the dictionary's Adler-32.
    assert.equal(first.readUInt8(1) & 0x20, 0x20);
    assert.equal(first.readUInt32BE(2), 0xe3c6a7c2);
  });

  it('one context per direction: blocks inflate in order, later ones build on earlier ones', async () => {
    const compressor = new HeaderCompressor();
    const decompressor = new HeaderDecompressor();
    const blocks = [0, 1, 2, 3].map((id) => new Map([['streamtype', [id % 2 ? 'data' : 'error']], ['port', ['8080']], ['requestid', [String(id)]]]));
    const compressed: Buffer[] = [];
    for (const block of blocks) compressed.push(await compressor.compress(block));
    for (const [i, bytes] of compressed.entries()) assert.deepEqual(await decompressor.decompress(bytes), blocks[i]);
    // The second block refers back to the first: much smaller, and unreadable by a fresh context.
    assert.ok(compressed[1]!.length < compressed[0]!.length / 2, `${compressed[1]!.length} vs ${compressed[0]!.length}`);
    const fresh = new HeaderDecompressor();
    await assert.rejects(fresh.decompress(compressed[1]!));
    compressor.close();
    decompressor.close();
    fresh.close();
  });

  it('each block ends in a sync flush: plain zlib with the dictionary reads the first one on its own', async () => {
    const compressor = new HeaderCompressor();
    const headers = new Map([['streamtype', ['error']], ['port', ['80']], ['requestid', ['0']]]);
    const first = await compressor.compress(headers);
    compressor.close();
    assert.equal(first.subarray(-4).toString('hex'), '0000ffff');
    const raw = inflateSync(first, { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    assert.deepEqual(decodeHeaderBlock(raw), headers);
  });

  it('reads concurrent calls in the order they were made', async () => {
    const compressor = new HeaderCompressor();
    const decompressor = new HeaderDecompressor();
    const blocks = Array.from({ length: 20 }, (_, i) => new Map([['requestid', [String(i)]]]));
    const compressed = await Promise.all(blocks.map((b) => compressor.compress(b)));
    const decoded = await Promise.all(compressed.map((c) => decompressor.decompress(c)));
    assert.deepEqual(decoded, blocks);
    compressor.close();
    decompressor.close();
  });

  it('a block that is not zlib data fails the context', async () => {
    const decompressor = new HeaderDecompressor();
    await assert.rejects(decompressor.decompress(Buffer.from('not zlib at all')));
    decompressor.close();
  });
});
