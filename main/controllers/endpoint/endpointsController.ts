// The Endpoints controller (kube-controller-manager's endpoint-controller):
// every Service with a selector has an Endpoints object of the same name
// listing its pods' addresses, ready ones apart from not-ready ones, and the
// ports they serve. It is rewritten only when that content (or the labels)
// changed, and deleted with the Service. Services without a selector keep
// whatever Endpoints someone else wrote (the `kubernetes` Service's).

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { isNamespaceTerminating } from '../shared/apiErrors.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import { servicesForPod } from '../shared/podServices.ts';
import { endpointsResource, podsResource, servicesResource } from '../shared/resources.ts';
import { mapSelectorMatches } from '../shared/selectors.ts';
import { serviceSelector } from '../shared/servicePods.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import type { Pod, Service } from '../shared/types.ts';
import { computeSubsets, endpointsLabels } from './endpointsComputation.ts';
import { endpointsAddresses, startReadinessSpans, writeWithSpans } from '../shared/endpointJourney.ts';
import type { JourneyRecorder } from '../../kube/trace/journeyRecorder.ts';

export class EndpointsController extends QueueController {
  private readonly services: SharedInformer<Service>;
  private readonly pods: SharedInformer<Pod>;
  private readonly endpoints: SharedInformer<KubeObject>;
  private readonly client: ResourceClient;
  private readonly recorder: EventRecorder;
  private readonly journeys: JourneyRecorder | undefined;

  constructor(ctx: ControllerContext, workers = 5) {
    super('endpoint-controller', ctx, workers);
    this.journeys = ctx.journeys;
    this.services = ctx.informers.informer<Service>(servicesResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.endpoints = ctx.informers.informer(endpointsResource);
    this.client = ctx.client.resource(endpointsResource);
    this.recorder = ctx.recorder('endpoint-controller');
    this.services.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    const onPod = (old: Pod | undefined, cur: Pod) => {
      for (const service of servicesForPod(this.services, old, cur)) this.enqueue(service);
    };
    this.pods.addEventHandler({ onAdd: (pod) => onPod(undefined, pod), onUpdate: onPod, onDelete: (pod) => onPod(undefined, pod) });
    // Someone deleted the Endpoints of a Service we manage: write them again.
    this.endpoints.addEventHandler({ onDelete: (ep) => this.enqueue(ep) });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const service = this.services.get(namespace, name);
    if (!service) {
      try {
        await this.client.delete(namespace, name);
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
      return;
    }
    const selector = serviceSelector(service);
    if (!selector) return;
    const pods = this.pods.list(namespace).filter((pod) => mapSelectorMatches(selector, pod.metadata.labels));
    const subsets = computeSubsets(service, pods);
    const labels = endpointsLabels(service);
    const current = this.endpoints.get(namespace, name);
    if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)) return;
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: current ? { ...current.metadata, labels } : { name, namespace, labels },
      ...(subsets.length > 0 ? { subsets } : {}),
    };
    const spans = startReadinessSpans(this.journeys, 'endpoint-controller', 'Endpoints', `${namespace}/${name}`, endpointsAddresses(current?.subsets), endpointsAddresses(subsets));
    try {
      await writeWithSpans(spans, () => (current ? this.client.update(namespace, desired) : this.client.create(namespace, desired)), (written) => ({ resourceVersion: written.metadata.resourceVersion }));
    } catch (err) {
      // Creates in a namespace being deleted fail until it is gone: nothing to retry.
      if (!current && isNamespaceTerminating(err)) return;
      if (current) this.recorder.event(desired, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${(err as Error).message}`);
      else this.recorder.event(desired, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${(err as Error).message}`);
      throw err;
    }
  }
}
