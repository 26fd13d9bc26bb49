// The apiextensions-apiserver's controllers, inside the API server as in
// kube-apiserver: it watches CustomResourceDefinitions and
// - accepts their names (NamesAccepted) and establishes them (Established),
//   after which their versions are served (discovery, OpenAPI, REST);
// - re-serves a CRD whose versions, schema or names changed;
// - finalizes a deleted CRD: creates are refused (Terminating), every custom
//   resource is deleted, then the cleanup finalizer goes and the CRD with it.
// It acts on storage through the registries, as those controllers act on
// their own API server.

import { componentUser } from '../auth/user.ts';
import { StatusError } from '../errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import type { ResourceRegistry, WriteContext } from '../registry/registry.ts';
import type { ResourceCatalog } from '../resourceCatalog.ts';
import { acceptNames, cleanupFinalizer, setCondition, terminating } from './crdConditions.ts';
import type { ObjectConverter } from './conversionWebhook.ts';
import { customResourceKinds, type VersionBehaviour } from './customResourceKind.ts';
import type { CustomResourceDefinition } from './types.ts';

export const crdGroup = 'apiextensions.k8s.io';
const retryAfterMs = 5_000;

interface Served {
  /** What the served definitions were built from: serving again is needed only when it changes. */
  fingerprint: string;
  paths: Array<{ group: string; version: string; plural: string }>;
}

export interface CustomResourceServingOptions {
  now: () => Date;
  /** Validation, pruning, defaulting, printing and OpenAPI of each version, from its schema. */
  behaviour?: VersionBehaviour;
  /** The conversion webhook of a CRD whose conversion strategy is Webhook. */
  conversionWebhook?: (crd: CustomResourceDefinition) => ObjectConverter;
  /** Where failures of a sync go (they are retried). */
  onError?: (err: unknown, context: string) => void;
}

export class CustomResourceServing {
  private readonly served = new Map<string, Served>();
  private readonly pending = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private draining: Promise<void> | undefined;
  private watch: { stop(): void } | undefined;
  private stopped = false;
  private readonly ctx: WriteContext = { user: componentUser('apiextensions-apiserver'), dryRun: false };

  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly options: CustomResourceServingOptions,
  ) {}

  private get crds(): ResourceRegistry {
    const registry = this.catalog.registry(crdGroup, 'v1', 'customresourcedefinitions');
    if (!registry) throw new Error('customresourcedefinitions are not served by this API server');
    return registry;
  }

  /** Serves every established CRD before resolving (custom resources answer from the first request on), then follows changes. */
  async start(): Promise<void> {
    const list = await this.crds.list('');
    for (const crd of list.items) this.pending.add(crd.metadata.name ?? '');
    await this.drain();
    this.watch = await this.crds.watch(
      '',
      { resourceVersion: list.metadata.resourceVersion },
      (event) => {
        const crd = event.object as CustomResourceDefinition;
        this.enqueue(crd.metadata.name ?? '');
        // A CRD that goes (or changes names) may free names another CRD of its group asked for.
        if (event.type !== 'ADDED') for (const other of this.sameGroup(crd)) this.enqueue(other);
      },
      () => undefined,
    );
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  private sameGroup(crd: CustomResourceDefinition): string[] {
    return [...this.served.keys()].filter((name) => name !== crd.metadata.name && name.endsWith(`.${crd.spec.group}`));
  }

  private enqueue(name: string): void {
    if (this.stopped || !name) return;
    this.pending.add(name);
    void this.drain();
  }

  /** Syncs queued CRDs one at a time; what is queued while the last one finishes starts another round. */
  private drain(): Promise<void> {
    this.draining ??= this.syncPending().finally(() => {
      this.draining = undefined;
      if (this.pending.size > 0 && !this.stopped) void this.drain();
    });
    return this.draining;
  }

  private async syncPending(): Promise<void> {
    while (this.pending.size > 0 && !this.stopped) {
      const [name] = this.pending;
      this.pending.delete(name);
      try {
        await this.sync(name);
      } catch (err) {
        this.options.onError?.(err, `customresourcedefinition ${name}`);
        this.retryLater(name);
      }
    }
  }

  private retryLater(name: string): void {
    if (this.stopped || this.retries.has(name)) return;
    const timer = setTimeout(() => {
      this.retries.delete(name);
      this.enqueue(name);
    }, retryAfterMs);
    timer.unref();
    this.retries.set(name, timer);
  }

  private async sync(name: string): Promise<void> {
    let crd: CustomResourceDefinition;
    try {
      crd = (await this.crds.get('', name)) as CustomResourceDefinition;
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return this.unserve(name);
      throw err;
    }
    if (crd.metadata.deletionTimestamp) return this.finalize(crd);
    const others = (await this.crds.list('')).items.filter((o) => o.metadata.name !== name) as CustomResourceDefinition[];
    const status = acceptNames(crd, others, this.options.now());
    if (JSON.stringify(status) !== JSON.stringify(crd.status ?? {})) crd = await this.writeStatus(crd, status);
    const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (established) this.serve(crd, false);
    else this.unserve(name);
  }

  private async writeStatus(crd: CustomResourceDefinition, status: NonNullable<CustomResourceDefinition['status']>): Promise<CustomResourceDefinition> {
    return (await this.crds.guaranteedUpdate('', crd.metadata.name ?? '', 'status', this.ctx, (current) => ({ ...current, status }))) as CustomResourceDefinition;
  }

  private serve(crd: CustomResourceDefinition, terminating: boolean): void {
    const name = crd.metadata.name ?? '';
    const fingerprint = JSON.stringify([crd.spec, crd.status?.acceptedNames, terminating]);
    const previous = this.served.get(name);
    if (previous?.fingerprint === fingerprint) return;
    const converter = crd.spec.conversion?.strategy === 'Webhook' ? this.options.conversionWebhook?.(crd) : undefined;
    const defs = customResourceKinds(crd, { terminating, behaviour: this.options.behaviour, ...(converter ? { converter } : {}) });
    const paths = defs.map((d) => ({ group: d.group, version: d.version, plural: d.plural }));
    for (const old of previous?.paths ?? []) {
      if (!paths.some((p) => p.group === old.group && p.version === old.version && p.plural === old.plural)) this.catalog.remove(old.group, old.version, old.plural);
    }
    for (const def of defs) this.catalog.add(def);
    this.served.set(name, { fingerprint, paths });
  }

  private unserve(name: string): void {
    const previous = this.served.get(name);
    if (!previous) return;
    this.served.delete(name);
    for (const p of previous.paths) this.catalog.remove(p.group, p.version, p.plural);
  }

  /** crd_finalizer: refuse creates, delete every custom resource, then let the CRD go. */
  private async finalize(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name ?? '';
    if (!crd.metadata.finalizers?.includes(cleanupFinalizer)) return this.unserve(name);
    const now = this.options.now();
    crd = await this.writeStatus(crd, setCondition(crd.status ?? {}, terminating.inProgress(), now));
    // Still served (creates refused) while its objects are deleted, so their deletions are seen by watchers.
    const wasEstablished = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (wasEstablished) this.serve(crd, true);
    const registry = this.storageRegistry(name);
    if (registry) {
      const remaining = await this.deleteInstances(registry);
      if (remaining > 0) {
        await this.writeStatus(crd, setCondition(crd.status ?? {}, terminating.remaining(), this.options.now()));
        this.retryLater(name);
        return;
      }
    }
    this.unserve(name);
    crd = await this.writeStatus(crd, setCondition(crd.status ?? {}, wasEstablished ? terminating.completed() : terminating.neverEstablished(), this.options.now()));
    await this.crds.guaranteedUpdate('', name, '', this.ctx, (current) => ({
      ...current,
      metadata: { ...current.metadata, finalizers: (current.metadata.finalizers ?? []).filter((f) => f !== cleanupFinalizer) },
    })).catch((err) => {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    });
  }

  private storageRegistry(name: string): ResourceRegistry | undefined {
    const path = this.served.get(name)?.paths[0];
    return path && this.catalog.registry(path.group, path.version, path.plural);
  }

  /** Deletes every custom resource (each namespace's, or the cluster's) and returns how many are still there (held by their finalizers). */
  private async deleteInstances(registry: ResourceRegistry): Promise<number> {
    const all = await registry.list('');
    for (const obj of all.items) {
      try {
        await registry.delete(obj.metadata.namespace ?? '', obj.metadata.name ?? '', { propagationPolicy: 'Background' }, this.ctx);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return (await registry.list('')).items.length;
  }
}

/** apiextensions' REST.Delete: the first DELETE of a CRD stamps it, adds the cleanup finalizer and marks it Terminating. */
export function beginCrdDeletion(crd: KubeObject, now: Date): KubeObject {
  const typed = crd as CustomResourceDefinition;
  typed.metadata.deletionTimestamp = kubeTimestamp(now);
  if (!typed.metadata.finalizers?.includes(cleanupFinalizer)) typed.metadata.finalizers = [...(typed.metadata.finalizers ?? []), cleanupFinalizer];
  typed.status = setCondition(typed.status ?? {}, terminating.pending(), now);
  return typed;
}
