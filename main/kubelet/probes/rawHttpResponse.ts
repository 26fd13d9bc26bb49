// Reading an HTTP/1.x response from the bytes an in-pod connection brought
// back: status line, headers, and the body (chunked or not), cut at the
// prober's 10 KiB. Only what the probe needs: the status, Location, body.

import { limitOutput } from './probeOutput.ts';

export interface ParsedResponse {
  status: number;
  location?: string;
  body: string;
}

export type RawParse = ParsedResponse | { malformed: string } | { empty: true };

export function parseRawResponse(raw: string): RawParse {
  if (raw === '') return { empty: true };
  const headerEnd = raw.indexOf('\r\n\r\n');
  const head = headerEnd >= 0 ? raw.slice(0, headerEnd) : raw;
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const match = /^HTTP\/\d\.\d (\d{3})(?: |$)/.exec(statusLine);
  if (!match) return { malformed: statusLine };
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = headerEnd >= 0 ? raw.slice(headerEnd + 4) : '';
  if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) body = dechunk(body);
  const response: ParsedResponse = { status: Number(match[1]), body: limitOutput(body) };
  const location = headers.get('location');
  if (location !== undefined) response.location = location;
  return response;
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) return out;
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!Number.isFinite(size) || size <= 0) return out;
    // Sizes count bytes; the text was decoded as UTF-8, so measure in bytes too.
    const data = Buffer.from(rest.slice(lineEnd + 2), 'utf8');
    out += data.subarray(0, size).toString('utf8');
    rest = data.subarray(size).toString('utf8').replace(/^\r\n/, '');
  }
}
