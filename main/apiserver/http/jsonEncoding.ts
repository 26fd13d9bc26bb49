// How kube-apiserver writes a JSON body (runtime/serializer/json): through
// json.Encoder, so one compact line ending in a newline (objects, lists,
// tables, Status errors, discovery); or, when the request asks for it
// (responsewriters' isPrettyPrint), indented by two spaces with no newline at
// the end (json.MarshalIndent). Clients that read line by line or compare
// bytes (golden files, `curl | diff`) see what a real cluster sends.

import type { IncomingMessage } from 'node:http';
import { parseGoBool } from '../queryValues.ts';
import { servedItemsJson, type ServedItemsJson } from '../registry/registry.ts';

/**
 * isPrettyPrint: `pretty` read with strconv.ParseBool, a value that does not
 * parse being false (never a 400); without it, curl, Wget and browsers
 * (User-Agent `Mozilla/5.0`) get indented JSON.
 */
export function prettyRequested(req: IncomingMessage, query: URLSearchParams): boolean {
  const pretty = query.get('pretty');
  if (pretty) return parseGoBool(pretty) ?? false;
  const agent = req.headers['user-agent'] ?? '';
  return agent.startsWith('curl') || agent.startsWith('Wget') || agent.startsWith('Mozilla/5.0');
}

export function encodeJson(body: unknown, pretty = false): string {
  return encodeJsonPieces(body, pretty).join('');
}

/** encodeJson's text in pieces, in order: a list's stored items stay pieces of their own, never one joined string. */
export function encodeJsonPieces(body: unknown, pretty = false): string[] {
  if (!pretty) {
    const spliced = splicedList(body);
    if (spliced !== undefined) return spliced;
  }
  return [pretty ? JSON.stringify(body, null, 2) : `${JSON.stringify(body)}\n`];
}

/**
 * A list from ResourceRegistry.listServed whose items nothing has read: its
 * items' JSON text spliced in, the same bytes JSON.stringify would write
 * (apiVersion, kind, metadata, items, in that order), without parsing them.
 */
function splicedList(body: unknown): string[] | undefined {
  const served = (body as { [servedItemsJson]?: ServedItemsJson } | null)?.[servedItemsJson];
  if (!served || served.parsed) return undefined;
  const list = body as { apiVersion: string; kind: string; metadata: unknown };
  const keys = Object.keys(list);
  if (keys.length !== 4 || keys[0] !== 'apiVersion' || keys[1] !== 'kind' || keys[2] !== 'metadata' || keys[3] !== 'items') return undefined;
  const pieces = [`{"apiVersion":${JSON.stringify(list.apiVersion)},"kind":${JSON.stringify(list.kind)},"metadata":${JSON.stringify(list.metadata)},"items":[`];
  served.texts.forEach((text, i) => pieces.push(i ? `,${text}` : text));
  pieces.push(']}\n');
  return pieces;
}

/** A document serialized once and served many times (discovery), in the encoding this request gets. */
export function encodeSerialized(json: string, pretty = false): string {
  return pretty ? JSON.stringify(JSON.parse(json), null, 2) : `${json}\n`;
}
