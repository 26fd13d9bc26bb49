// ServiceAccounts (core/v1) and their SECRETS column.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { tokenAction } from '../subresources.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { arrayAt } from './shared/json.ts';

export const serviceaccounts: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  // serviceaccounts/token: TokenRequest (tokenRequest.ts).
  subresources: ['token'],
  actions: { token: tokenAction },
  strategy: {
    table: {
      columns: [nameColumn(), column('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageColumn()],
      row: (sa, now) => [sa.metadata.name, arrayAt(sa, 'secrets').length, ageSince(sa.metadata.creationTimestamp, now)],
    },
  },
};
