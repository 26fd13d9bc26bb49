// A large answer (a list of thousands of objects) is written in pieces of
// about 64 KiB, each when the connection has taken the last: TLS then
// encrypts into buffers the process already has. Written whole, a 29 MiB list
// needed a fresh string, a fresh buffer and fresh TLS buffers of its size, and
// touching that much new memory took most of the answer's time on this
// machine (0.36 s against 0.08 s in pieces, test/bench/REPORT.md).
//
// Framed as kube-apiserver's Go server frames its answers: net/http holds
// the first 2 KB a handler writes, so an answer that ends within them goes
// out whole with its Content-Length and a longer one chunked.

import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

const CHUNK_CHARS = 64 * 1024;
/** net/http's bufferBeforeChunkingSize. */
const GO_UNCHUNKED_BYTES = 2048;

/** Answers `code` with `headers` and `pieces` joined: with a Content-Length up to 2 KB, else chunked (endInChunks). */
export function writeAnswer(res: ServerResponse, code: number, headers: OutgoingHttpHeaders, pieces: string[]): void {
  // Characters never outnumber UTF-8 bytes: a longer piece is over the limit without measuring it.
  const whole = pieces.length === 1 && pieces[0]!.length <= GO_UNCHUNKED_BYTES ? Buffer.byteLength(pieces[0]!) : undefined;
  res.writeHead(code, whole !== undefined && whole <= GO_UNCHUNKED_BYTES ? { ...headers, 'Content-Length': whole } : headers);
  endInChunks(res, pieces);
}

/** Ends `res` with `pieces` joined, the text written in chunks of about CHUNK_CHARS as the socket drains. */
export function endInChunks(res: ServerResponse, pieces: string[]): void {
  if (pieces.length === 1 && pieces[0]!.length <= CHUNK_CHARS) {
    res.end(pieces[0]);
    return;
  }
  let index = 0;
  let offset = 0;
  const pump = (): void => {
    while (index < pieces.length) {
      const parts: string[] = [];
      let size = 0;
      while (index < pieces.length && size < CHUNK_CHARS) {
        const piece = pieces[index]!;
        let end = Math.min(piece.length, offset + CHUNK_CHARS - size);
        // A chunk is encoded to UTF-8 on its own: it must not end between the two halves of a surrogate pair.
        if (end < piece.length && isHighSurrogate(piece.charCodeAt(end - 1))) end = end - 1 > offset ? end - 1 : end + 1;
        parts.push(offset === 0 && end === piece.length ? piece : piece.slice(offset, end));
        size += end - offset;
        offset = end;
        if (offset === piece.length) {
          index++;
          offset = 0;
        }
      }
      if (!res.write(parts.join(''))) {
        if (!res.destroyed) res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
