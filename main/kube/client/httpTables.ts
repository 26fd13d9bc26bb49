// Server-side Tables over HTTPS: the list request kubectl get sends, with the
// Accept header that asks for a meta.k8s.io/v1 Table.

import type { Table } from '../meta.ts';
import type { EndpointSource } from './apiEndpoint.ts';
import { resourcePath, queryString } from './httpClient.ts';
import { requestJson } from './httpTransport.ts';
import type { TableClient, TableOptions } from './tables.ts';

export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export function httpTableClient(source: EndpointSource): TableClient {
  return {
    list: (resource, namespace, options: TableOptions = {}) => requestJson<Table>(source, { method: 'GET', path: resourcePath(resource, namespace) + queryString(options), accept: tableAccept }),
  };
}
