// The port a restarted cluster's API server listens on: last time's when it
// is free, any other when something else holds it (the cluster starts rather
// than failing), and a port asked for explicitly is that port or an error.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, describe, test } from 'node:test';
import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

describe('the API server port', () => {
  const dir = tempDir('listen-port');
  const pki = loadOrCreatePki(dir, 'ports');
  const servers: ApiServer[] = [];
  const apiServer = () => {
    const store = new SqliteStore({ path: ':memory:' });
    const api = new ApiServer({ store, definitions: allResources, schema: createSchemaServices(), tls: { key: pki.serverKey, cert: pki.serverCert }, adminToken: 'tok', serviceRange: '10.244.128.0/17' });
    servers.push(api);
    return api;
  };
  const holder = (): Promise<{ server: Server; port: number }> =>
    new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
    });

  after(async () => {
    for (const api of servers) await api.close().catch(() => undefined);
    removeDir(dir);
  });

  test('a free port is the one listened on, with or without a fallback', async () => {
    const { server, port } = await holder();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.equal(await apiServer().listen(port, true), port);
  });

  test('a taken port: any other with the fallback, EADDRINUSE without it', async () => {
    const { server, port } = await holder();
    try {
      const other = await apiServer().listen(port, true);
      assert.notEqual(other, port);
      assert.ok(other > 0);
      await assert.rejects(apiServer().listen(port), { code: 'EADDRINUSE' });
    } finally {
      server.close();
    }
  });
});
