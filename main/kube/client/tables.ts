// Server-side printing, as `kubectl get` asks for it: a list answered as a
// meta.k8s.io/v1 Table (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`)
// whose columns and cells the server defines for the kind (a CRD's
// additionalPrinterColumns included).

import type { Table } from '../meta.ts';
import type { ListOptions, ResourceRef } from './types.ts';

export interface TableOptions extends ListOptions {
  /** What each row carries besides its cells (the server's default: Metadata, a PartialObjectMetadata). */
  includeObject?: 'None' | 'Metadata' | 'Object';
}

export interface TableClient {
  /** The list of `resource` in `namespace` (absent: all namespaces, or a cluster-scoped kind) as a Table. */
  list(resource: ResourceRef, namespace: string | undefined, options?: TableOptions): Promise<Table>;
}
