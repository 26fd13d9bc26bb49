// What port forwarding reads from the API: a few gets and label-selected
// lists. In PodLab's process that is the in-process client; the `podlab
// port-forward` command reads a running cluster's API over HTTPS with the
// cluster's kubeconfig (its server, CA and token), as kubectl would.

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { yaml } from '../../kube/yamlLibrary.ts';
import type { KubeClient, ResourceRef } from '../../kube/client/types.ts';
import { isApiError } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';

export const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods' };
export const SERVICES: ResourceRef = { group: '', version: 'v1', plural: 'services' };
export const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', plural: 'deployments' };

export class ObjectNotFound extends Error {}

export interface ObjectReader {
  /** Throws ObjectNotFound when absent. */
  get(ref: ResourceRef, namespace: string, name: string): Promise<KubeObject>;
  list(ref: ResourceRef, namespace: string, labelSelector: string): Promise<KubeObject[]>;
}

export function readerFromClient(client: KubeClient): ObjectReader {
  return {
    async get(ref, namespace, name) {
      try {
        return await client.resource(ref).get(namespace, name);
      } catch (error) {
        if (isApiError(error, 'NotFound')) throw new ObjectNotFound(error.message);
        throw error;
      }
    },
    async list(ref, namespace, labelSelector) {
      return (await client.resource(ref).list(namespace, { labelSelector })).items;
    },
  };
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
  clusters?: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
  users?: Array<{ name: string; user: { token?: string } }>;
}

/** A reader for the API named by a kubeconfig's current context (bearer token and CA data, as PodLab writes them). */
export function readerFromKubeconfig(path: string): ObjectReader {
  const config = yaml().parse(readFileSync(path, 'utf8')) as Kubeconfig;
  const context = config.contexts?.find((c) => c.name === config['current-context'])?.context ?? config.contexts?.[0]?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const token = config.users?.find((u) => u.name === context?.user)?.user.token;
  if (!cluster?.server) throw new Error(`${path} names no API server`);
  const ca = cluster['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString() : undefined;
  const fetchJson = (path: string) =>
    new Promise<KubeObject>((resolve, reject) => {
      const req = request(`${cluster.server}${path}`, { ca, headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          let parsed: KubeObject & { message?: string };
          try {
            parsed = JSON.parse(body);
          } catch {
            return reject(new Error(`the API server answered ${path} with HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
          }
          if (res.statusCode === 404) reject(new ObjectNotFound(parsed.message ?? `${path} not found`));
          else if ((res.statusCode ?? 500) >= 400) reject(new Error(parsed.message ?? `HTTP ${res.statusCode} for ${path}`));
          else resolve(parsed);
        });
      });
      req.on('error', (error) => reject(new Error(`cannot reach the API server at ${cluster.server} (is \`podlab serve\` running?): ${error.message}`)));
      req.end();
    });
  const base = (ref: ResourceRef, namespace: string) => `/${ref.group ? `apis/${ref.group}` : 'api'}/${ref.version}/namespaces/${encodeURIComponent(namespace)}/${ref.plural}`;
  return {
    get: (ref, namespace, name) => fetchJson(`${base(ref, namespace)}/${encodeURIComponent(name)}`),
    async list(ref, namespace, labelSelector) {
      const list = (await fetchJson(`${base(ref, namespace)}?labelSelector=${encodeURIComponent(labelSelector)}`)) as unknown as { items?: KubeObject[] };
      return list.items ?? [];
    },
  };
}
