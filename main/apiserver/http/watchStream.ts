// A watch over HTTP: one JSON watch event per line on a chunked response, as
// kube-apiserver streams them, with bookmarks when asked and an end after
// timeoutSeconds. A watch that cannot continue (compacted history) ends with
// an ERROR event carrying a 410 Status, which makes clients relist. A watcher
// that does not read what it is sent is cut off once its unsent events pass a
// bound, as kube-apiserver ends a watcher whose buffer fills: it re-watches,
// and the server never holds more than the bound for it.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, Status } from '../../kube/meta.ts';
import type { WatchStarter } from '../dispatcher.ts';
import type { ResourceRegistry } from '../registry/registry.ts';
import { queryBool, queryInt } from '../queryValues.ts';

/** Kubernetes sends a bookmark about once a minute to watchers that allow them. */
export const defaultBookmarkIntervalMs = 60_000;
// Kubernetes spreads watch lifetimes between minRequestTimeout and twice it (30–60 minutes) so clients do not reconnect in lockstep.
const defaultTimeoutSeconds = () => 1800 + Math.floor(Math.random() * 1800);
// Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer one would fire at once.
const maxTimerMs = 2 ** 31 - 1;
export const defaultWatchBufferBytes = 16 * 1024 * 1024;

export async function streamWatch(
  start: WatchStarter,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  asTable: ((obj: KubeObject, first: boolean) => unknown) | undefined,
  registry: ResourceRegistry,
  bookmarkIntervalMs = defaultBookmarkIntervalMs,
  maxBufferBytes = defaultWatchBufferBytes,
): Promise<void> {
  // ListOptions are decoded before the watch starts: a bad timeoutSeconds is a 400, not a broken stream.
  const wantsBookmarks = queryBool(query, 'allowWatchBookmarks');
  const requested = queryInt(query, 'timeoutSeconds');
  let lastRevision = 0;
  let ended = false;
  let first = true;
  const pending: string[] = [];
  let headersWritten = false;
  let bookmarks: NodeJS.Timeout | undefined;
  let timeout: NodeJS.Timeout | undefined;
  // The initial events (a whole list, for a watch from "0") may exceed the bound by themselves: they are allowed on top until the socket drains once.
  let allowedBytes = maxBufferBytes;

  const write = (line: string) => {
    if (ended) return;
    if (!headersWritten) {
      pending.push(line);
      return;
    }
    res.write(line);
    // What the socket could not send yet; a client that stopped reading lets it grow without end.
    if (res.writableLength > allowedBytes) {
      ended = true;
      clearInterval(bookmarks);
      clearTimeout(timeout);
      handle?.stop();
      res.destroy();
    }
  };

  const end = (status?: Status) => {
    if (ended) return;
    if (status) write(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
    ended = true;
    clearInterval(bookmarks);
    clearTimeout(timeout);
    if (headersWritten) res.end();
  };

  let handle: { stop(): void; revision: number } | undefined;
  handle = await start((event) => {
    lastRevision = Math.max(lastRevision, Number(event.object.metadata.resourceVersion ?? 0));
    const object = asTable ? asTable(event.object, first) : event.object;
    first = false;
    const text = !asTable && event.kv ? registry.watchText(event.kv) : undefined;
    write(text === undefined ? `${JSON.stringify({ type: event.type, object })}\n` : `{"type":"${event.type}","object":${text}}\n`);
  }, end);
  lastRevision = Math.max(lastRevision, handle.revision);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  // Send the headers now: a client waiting on a quiet watch (kubectl rollout status, delete --wait) must see it started.
  res.flushHeaders();
  headersWritten = true;
  for (const line of pending.splice(0)) res.write(line);
  allowedBytes += res.writableLength;
  res.on('drain', () => (allowedBytes = maxBufferBytes));
  if (ended) {
    res.end();
    return;
  }

  bookmarks = setInterval(() => {
    if (!wantsBookmarks) return;
    const object = { kind: registry.def.kind, apiVersion: registry.apiVersion, metadata: { resourceVersion: String(lastRevision) } };
    write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
  }, bookmarkIntervalMs);
  const started = handle;
  timeout = setTimeout(() => started.stop(), Math.min((requested !== undefined && requested > 0 ? requested : defaultTimeoutSeconds()) * 1000, maxTimerMs));
  const stopOnClose = () => started.stop();
  req.on('close', stopOnClose);
  res.on('close', stopOnClose);
}
