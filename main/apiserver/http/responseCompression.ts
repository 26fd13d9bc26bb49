// kube-apiserver's response compression (the APIResponseCompression feature,
// on by default): a body over 128 KiB is gzipped at BestSpeed when the
// request accepts gzip. kubectl and every client-go client ask for it (Go's
// transport sends `Accept-Encoding: gzip` and inflates the answer itself),
// so a list of thousands of pods crosses TLS as a tenth of its size. The
// deflating runs on libuv's thread pool, off the event loop.

import { gzip } from 'node:zlib';
import type { IncomingHttpHeaders } from 'node:http';

/** responsewriters' defaultGzipThresholdBytes: smaller bodies are sent as they are. */
export const GZIP_THRESHOLD_BYTES = 128 * 1024;
/** responsewriters' defaultGzipContentEncodingLevel (gzip.BestSpeed). */
const GZIP_LEVEL = 1;

/** Whether one of the request's Accept-Encoding tokens is exactly `gzip`, as negotiateContentEncoding reads it. */
export function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const header = headers['accept-encoding'];
  if (!header) return false;
  return header.split(',').some((token) => token.trim() === 'gzip');
}

export interface EncodedBody {
  body: string | Buffer;
  /** Set when the body is gzipped: the headers to add. */
  headers?: Record<string, string>;
}

/** The body as it should be sent: gzipped when it is large and the client accepts gzip. */
export async function encodeForClient(headers: IncomingHttpHeaders, text: string): Promise<EncodedBody> {
  if (!acceptsGzip(headers) || Buffer.byteLength(text) <= GZIP_THRESHOLD_BYTES) return { body: text };
  const body = await new Promise<Buffer>((resolve, reject) => gzip(text, { level: GZIP_LEVEL }, (err, out) => (err ? reject(err) : resolve(out))));
  return { body, headers: { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } };
}
