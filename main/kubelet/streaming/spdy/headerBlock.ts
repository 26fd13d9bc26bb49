// A SPDY/3 name/value header block (2.6.10), before compression: a 32-bit
// count of pairs, then each name and value as a 32-bit length and bytes.
// Names are lower case and unique; several values for one name travel as
// one value joined with NUL bytes.

export type SpdyHeaders = Map<string, string[]>;

/** The block broke a rule of 2.6.10: the stream it came with is refused (PROTOCOL_ERROR), the session goes on. */
export class HeaderBlockError extends Error {}

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [uint32(headers.size)];
  for (const [name, values] of headers) {
    const nameBytes = Buffer.from(name.toLowerCase(), 'utf8');
    const valueBytes = Buffer.from(values.join('\0'), 'utf8');
    parts.push(uint32(nameBytes.length), nameBytes, uint32(valueBytes.length), valueBytes);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  let at = 0;
  const read = (what: string): Buffer => {
    if (at + 4 > block.length) throw new HeaderBlockError(`header block ends inside the length of ${what}`);
    const length = block.readUInt32BE(at);
    at += 4;
    if (at + length > block.length) throw new HeaderBlockError(`header block ends inside ${what}`);
    const bytes = block.subarray(at, at + length);
    at += length;
    return bytes;
  };
  if (block.length < 4) throw new HeaderBlockError('header block without its count');
  const count = block.readUInt32BE(0);
  at = 4;
  const headers: SpdyHeaders = new Map();
  for (let i = 0; i < count; i++) {
    const name = read('a header name').toString('utf8');
    if (!name) throw new HeaderBlockError('empty header name');
    if (name !== name.toLowerCase()) throw new HeaderBlockError(`header name ${JSON.stringify(name)} is not lower case`);
    if (headers.has(name)) throw new HeaderBlockError(`header ${JSON.stringify(name)} appears twice`);
    headers.set(name, read(`the value of ${name}`).toString('utf8').split('\0'));
  }
  if (at !== block.length) throw new HeaderBlockError(`${block.length - at} bytes after the last header`);
  return headers;
}

/** The first value of a header, as Go's http.Header.Get reads it. */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers.get(name)?.[0];
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
