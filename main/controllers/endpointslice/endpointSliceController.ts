// The EndpointSlice controller (kube-controller-manager's
// endpointslice-controller): keeps each selector Service's
// discovery.k8s.io/v1 EndpointSlices (label kubernetes.io/service-name,
// owned by the Service so they go with it) in step with its pods. Existing
// slices are reused for the same port set and only rewritten when their
// endpoints or labels changed; slices no longer needed are deleted.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { isNamespaceTerminating } from '../shared/apiErrors.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import { isControlledBy, newControllerRef } from '../shared/controllerRef.ts';
import { servicesForPod } from '../shared/podServices.ts';
import { endpointSlicesResource, podsResource, serviceKind, servicesResource } from '../shared/resources.ts';
import { mapSelectorMatches } from '../shared/selectors.ts';
import { serviceSelector } from '../shared/servicePods.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import type { Pod, Service } from '../shared/types.ts';
import { sliceAddresses, startReadinessSpans, writeWithSpans } from '../shared/endpointJourney.ts';
import type { JourneyRecorder } from '../../kube/trace/journeyRecorder.ts';
import { controllerName, desiredSlices, managedByLabel, portsKey, serviceNameLabel, sliceLabels, type DesiredSlice, type SlicePort } from './endpointSliceComputation.ts';

interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: unknown[] | null;
  ports?: SlicePort[] | null;
}

export class EndpointSliceController extends QueueController {
  private readonly services: SharedInformer<Service>;
  private readonly pods: SharedInformer<Pod>;
  private readonly slices: SharedInformer<EndpointSlice>;
  private readonly client: ResourceClient<EndpointSlice>;
  private readonly recorder: EventRecorder;
  private readonly journeys: JourneyRecorder | undefined;

  constructor(ctx: ControllerContext, workers = 5) {
    super('endpointslice-controller', ctx, workers);
    this.journeys = ctx.journeys;
    this.services = ctx.informers.informer<Service>(servicesResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.slices = ctx.informers.informer<EndpointSlice>(endpointSlicesResource);
    this.client = ctx.client.resource<EndpointSlice>(endpointSlicesResource);
    this.recorder = ctx.recorder('endpoint-slice-controller');
    this.services.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    const onPod = (old: Pod | undefined, cur: Pod) => {
      for (const service of servicesForPod(this.services, old, cur)) this.enqueue(service);
    };
    this.pods.addEventHandler({ onAdd: (pod) => onPod(undefined, pod), onUpdate: onPod, onDelete: (pod) => onPod(undefined, pod) });
    // A slice of ours changed or vanished behind our back: put it right.
    const onSlice = (slice: EndpointSlice) => {
      const service = slice.metadata.labels?.[serviceNameLabel];
      if (service && slice.metadata.labels?.[managedByLabel] === controllerName) this.queue.add(`${slice.metadata.namespace}/${service}`);
    };
    this.slices.addEventHandler({ onAdd: onSlice, onUpdate: (_o, s) => onSlice(s), onDelete: onSlice });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const service = this.services.get(namespace, name);
    // A deleted Service's slices go with it: the garbage collector follows their owner reference.
    if (!service) return;
    const selector = serviceSelector(service);
    if (!selector) return;
    const pods = this.pods.list(namespace).filter((pod) => mapSelectorMatches(selector, pod.metadata.labels));
    const desired = desiredSlices(service, pods);
    if (desired.length === 0) desired.push({ ports: [], endpoints: [] });
    const current = this.slices.list(namespace).filter((slice) => slice.metadata.labels?.[serviceNameLabel] === name && slice.metadata.labels?.[managedByLabel] === controllerName && !slice.metadata.deletionTimestamp);
    const spans = startReadinessSpans(this.journeys, 'endpointslice-controller', 'EndpointSlice', `${namespace}/${name}`, sliceAddresses(current), sliceAddresses(desired));
    try {
      await writeWithSpans(spans, () => this.apply(service, desired));
    } catch (err) {
      if (isNamespaceTerminating(err)) return;
      this.recorder.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${(err as Error).message}`);
      throw err;
    }
  }

  private async apply(service: Service, desired: DesiredSlice[]): Promise<void> {
    const namespace = service.metadata.namespace ?? '';
    const labels = sliceLabels(service);
    const pools = new Map<string, EndpointSlice[]>();
    const stale: EndpointSlice[] = [];
    for (const slice of this.slices.list(namespace)) {
      if (slice.metadata.labels?.[serviceNameLabel] !== service.metadata.name || slice.metadata.labels?.[managedByLabel] !== controllerName) continue;
      if (slice.metadata.deletionTimestamp) continue;
      // Left by an earlier Service of the same name, or of another address type: not ours to reuse.
      if (!isControlledBy(slice, service) || slice.addressType !== 'IPv4') {
        stale.push(slice);
        continue;
      }
      const key = portsKey(slice.ports ?? []);
      pools.set(key, [...(pools.get(key) ?? []), slice]);
    }
    for (const want of desired) {
      const existing = pools.get(portsKey(want.ports))?.shift();
      if (!existing) {
        await this.client.create(namespace, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { generateName: `${service.metadata.name}-`, namespace, labels, ownerReferences: [newControllerRef(service, serviceKind)] },
          addressType: 'IPv4',
          endpoints: want.endpoints,
          ports: want.ports,
        });
        continue;
      }
      if (deepEqual(existing.endpoints ?? [], want.endpoints) && deepEqual(existing.metadata.labels ?? {}, labels)) continue;
      await this.client.update(namespace, { ...existing, metadata: { ...existing.metadata, labels }, endpoints: want.endpoints, ports: want.ports });
    }
    for (const leftover of [...stale, ...[...pools.values()].flat()]) {
      try {
        await this.client.delete(namespace, leftover.metadata.name ?? '');
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
    }
  }
}
