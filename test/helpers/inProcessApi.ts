// An API server in this process, on an in-memory SQLite store, for tests of
// API semantics that need no HTTP and no other process.

import { ApiServer } from '../../main/apiserver/apiServer.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import type { KubeClient } from '../../main/kube/client/types.ts';
import { allResources } from '../../main/apiserver/resources/index.ts';
import { createSchemaServices } from '../../main/apiserver/openapi/schemaServices.ts';
import { ensureSystemNamespaces } from '../../main/cluster/bootstrap.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';
import type { Store } from '../../main/store/store.ts';

export interface InProcessApi {
  api: ApiServer;
  store: Store;
  client: KubeClient;
  close(): Promise<void>;
}

export async function startInProcessApi(now?: () => Date): Promise<InProcessApi> {
  const store = new SqliteStore({ path: ':memory:' });
  const schema = createSchemaServices();
  const api = new ApiServer({
    store,
    definitions: allResources,
    schema,
    adminToken: 'unused',
    serviceRange: '10.244.128.0/17',
    now,
  });
  await api.customResources.start();
  const client = api.client(adminUser);
  await ensureSystemNamespaces(client);
  return {
    api,
    store,
    client,
    close: async () => {
      await api.close();
      await store.close();
    },
  };
}
