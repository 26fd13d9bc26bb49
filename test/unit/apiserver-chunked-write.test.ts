import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { endInChunks } from '../../main/apiserver/http/chunkedWrite.ts';

describe('endInChunks', () => {
  let pieces: string[] = [];
  let server: Server;
  let port = 0;

  before(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      endInChunks(res, pieces);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The body as received, read slowly when `pauseMs` is set, so the server must wait for the socket to drain. */
  function fetchBody(pauseMs = 0): Promise<{ body: Buffer; chunked: boolean }> {
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (pauseMs) {
            res.pause();
            setTimeout(() => res.resume(), pauseMs);
          }
        });
        res.on('end', () => resolve({ body: Buffer.concat(chunks), chunked: res.headers['transfer-encoding'] === 'chunked' }));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
  }

  it('sends exactly the joined text, characters above U+FFFF whole wherever a chunk ends', async () => {
    // Pairs at every offset around the 64 KiB chunk size, in one big piece and across many small ones.
    const big = `${'a'.repeat(65_535)}😀${'b'.repeat(65_534)}😀😀${'é'.repeat(70_000)}`;
    const small = Array.from({ length: 5_000 }, (_, i) => `${'x'.repeat(i % 7)}😀,`);
    for (const sent of [[big], small, ['{"items":[', ...small, big, ']}\n']]) {
      pieces = sent;
      const { body } = await fetchBody();
      assert.equal(body.length, Buffer.byteLength(sent.join('')));
      assert.ok(body.equals(Buffer.from(sent.join(''))), 'the bytes differ from the text encoded whole');
    }
  });

  it('waits for a slow reader instead of buffering everything', async () => {
    pieces = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(6, '0')}${'z'.repeat(10_000)}`);
    const { body, chunked } = await fetchBody(1);
    assert.ok(chunked, 'a large answer is sent in chunks');
    assert.equal(body.toString(), pieces.join(''));
  });
});
