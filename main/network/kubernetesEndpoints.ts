// The `kubernetes` Service's endpoints, as kube-apiserver's endpoint
// reconciler keeps them: the address in-cluster clients reach the API server
// at. Here that is the gateway listener (see apiGateway.ts), so `kubectl get
// endpoints kubernetes` shows where pods' API traffic really goes. The
// Endpoints carry skip-mirror, as kube-apiserver's do, because the slice is
// written here too.

import type { KubeClient, ResourceRef } from '../kube/client/types.ts';
import { isApiError } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';

const ENDPOINTS: ResourceRef = { group: '', version: 'v1', plural: 'endpoints' };
const ENDPOINT_SLICES: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' };

export async function ensureKubernetesEndpoints(client: KubeClient, ip: string, port: number): Promise<void> {
  const ports = [{ name: 'https', port, protocol: 'TCP' }];
  await upsert(client, ENDPOINTS, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip }], ports }],
  });
  await upsert(client, ENDPOINT_SLICES, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports,
  });
}

async function upsert(client: KubeClient, ref: ResourceRef, wanted: KubeObject): Promise<void> {
  const resource = client.resource(ref);
  try {
    const existing = await resource.get('default', wanted.metadata.name!);
    await resource.update('default', { ...existing, ...wanted, metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, ...wanted.metadata.labels } } });
  } catch (error) {
    if (!isApiError(error, 'NotFound')) throw error;
    await resource.create('default', wanted);
  }
}
