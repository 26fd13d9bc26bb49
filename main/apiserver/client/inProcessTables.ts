// Server-side tables for components in PodLab's own process: the list goes
// through the Dispatcher as any list does (authorization included), then is
// printed with the kind's table, as the HTTPS front answers kubectl's
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.

import type { KubeList, Table } from '../../kube/meta.ts';
import type { TableClient, TableOptions } from '../../kube/client/tables.ts';
import { ApiError, type ResourceRef } from '../../kube/client/types.ts';
import type { UserInfo } from '../auth/user.ts';
import type { Dispatcher } from '../dispatcher.ts';
import { StatusError } from '../errors.ts';
import { toTable } from '../http/tables.ts';
import type { ResourceRequestInfo } from '../requestInfo.ts';

export class InProcessTables implements TableClient {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly user: UserInfo,
    private readonly userAgent: string,
  ) {}

  async list(resource: ResourceRef, namespace: string | undefined, options: TableOptions = {}): Promise<Table> {
    const { group, version, plural } = resource;
    const info: ResourceRequestInfo = {
      isResourceRequest: true,
      path: `/${group ? `apis/${group}` : 'api'}/${version}/${plural}`,
      group,
      version,
      namespace: namespace ?? '',
      resource: plural,
      name: '',
      subresource: '',
      verb: 'list',
    };
    const { includeObject = 'Metadata', ...listOptions } = options;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(listOptions)) if (value !== undefined && value !== '') query.set(key, String(value));
    try {
      const result = await this.dispatcher.handle({ user: this.user, info, query, userAgent: this.userAgent });
      const registry = this.dispatcher.registryFor(info);
      if (result.type !== 'object' || !registry) throw new Error(`unexpected ${result.type} result for list`);
      const list = result.object as KubeList;
      const table = toTable(registry.def, list.items, { includeObject }, list.metadata.resourceVersion);
      if (list.metadata.continue) table.metadata.continue = list.metadata.continue;
      return table;
    } catch (err) {
      if (err instanceof StatusError) throw new ApiError(err.status);
      throw err;
    }
  }
}
