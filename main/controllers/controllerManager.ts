// PodLab's kube-controller-manager: every controller of the cluster in one
// place, sharing one informer per resource. Controllers register their
// handlers first, then the informers list and watch, and only once every
// cache has synced do the controllers' workers start: a controller acting on
// a half-filled cache would, say, create pods that already exist.

import { EventRecorder } from '../kube/client/eventRecorder.ts';
import { isApiError, type KubeClient } from '../kube/client/types.ts';
import { realClock, type Clock } from '../kube/clock.ts';
import { ClusterRoleAggregationController } from './clusterroleaggregation/clusterRoleAggregationController.ts';
import { DeploymentController } from './deployment/deploymentController.ts';
import { EndpointsController } from './endpoint/endpointsController.ts';
import { EndpointSliceController } from './endpointslice/endpointSliceController.ts';
import { GarbageCollector } from './garbagecollector/garbageCollector.ts';
import { NamespaceController } from './namespace/namespaceController.ts';
import { PodGCController } from './podgc/podGCController.ts';
import { ReplicaSetController } from './replicaset/replicaSetController.ts';
import { RootCaCertPublisher } from './rootcacertpublisher/rootCaCertPublisher.ts';
import { ServiceAccountsController } from './serviceaccount/serviceAccountsController.ts';
import type { Controller, ControllerContext } from './shared/controller.ts';
import { InformerFactory } from './shared/informerFactory.ts';
import { builtInResources, type ServedResources } from './shared/resources.ts';
import { StatefulSetController } from './statefulset/statefulSetController.ts';
import { JobController } from './job/jobController.ts';
import { DisruptionController } from './disruption/disruptionController.ts';
import { HorizontalController } from './podautoscaler/horizontalController.ts';
import { ResourceQuotaController } from './resourcequota/resourceQuotaController.ts';
import { DaemonSetController } from './daemonset/daemonSetController.ts';
import { CronJobController } from './cronjob/cronJobController.ts';
import { TtlAfterFinishedController } from './ttlafterfinished/ttlAfterFinishedController.ts';
import { CsrSigningController } from './certificates/csrSigningController.ts';
import { CsrCleanerController } from './certificates/csrCleanerController.ts';
import type { CertificateAuthority } from '../cluster/pki.ts';
import type { LocalPathStorage } from './volume/localPath.ts';
import { LocalPathProvisioner } from './volume/localPathProvisioner.ts';
import { PersistentVolumeController } from './volume/persistentVolumeController.ts';
import { PvcProtectionController } from './volume/pvcProtectionController.ts';
import { PvProtectionController } from './volume/pvProtectionController.ts';
import { VolumeExpander } from './volume/volumeExpander.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';

/** The controllers by the names kube-controller-manager's --controllers flag uses. */
const controllerFactories: Record<string, (ctx: ControllerContext) => Controller> = {
  replicaset: (ctx) => new ReplicaSetController(ctx),
  deployment: (ctx) => new DeploymentController(ctx),
  replicationcontroller: (ctx) =>
    new ReplicaSetController(ctx, 5, {
      component: 'replication-controller',
      resource: { group: '', version: 'v1', plural: 'replicationcontrollers' },
      kind: { apiVersion: 'v1', kind: 'ReplicationController' },
      // An RC's selector is a plain map of labels.
      selectorOf: (rc) => ({ matchLabels: rc.spec.selector as unknown as Record<string, string> }),
    }),
  statefulset: (ctx) => new StatefulSetController(ctx),
  daemonset: (ctx) => new DaemonSetController(ctx),
  job: (ctx) => new JobController(ctx),
  resourcequota: (ctx) => new ResourceQuotaController(ctx),
  disruption: (ctx) => new DisruptionController(ctx),
  'horizontal-pod-autoscaler': (ctx) => new HorizontalController(ctx),
  cronjob: (ctx) => new CronJobController(ctx),
  'ttl-after-finished': (ctx) => new TtlAfterFinishedController(ctx),
  garbagecollector: (ctx) => new GarbageCollector(ctx),
  namespace: (ctx) => new NamespaceController(ctx),
  serviceaccount: (ctx) => new ServiceAccountsController(ctx),
  endpoint: (ctx) => new EndpointsController(ctx),
  endpointslice: (ctx) => new EndpointSliceController(ctx),
  podgc: (ctx) => new PodGCController(ctx),
  'clusterrole-aggregation': (ctx) => new ClusterRoleAggregationController(ctx),
  'persistentvolume-binder': (ctx) => new PersistentVolumeController(ctx),
  'pvc-protection': (ctx) => new PvcProtectionController(ctx),
  'pv-protection': (ctx) => new PvProtectionController(ctx),
  'persistentvolume-expander': (ctx) => new VolumeExpander(ctx),
  // Not a kube-controller-manager controller: kind runs it as a pod; PodLab runs it here, next to the binder.
  'local-path-provisioner': (ctx) => {
    if (!ctx.localPathStorage) throw new Error('local-path-provisioner needs the node runtimes (ControllerManagerOptions.localPathStorage)');
    return new LocalPathProvisioner(ctx, ctx.localPathStorage);
  },
  csrcleaner: (ctx) => new CsrCleanerController(ctx),
  csrsigning: (ctx) => {
    if (!ctx.signingCA) throw new Error('csrsigning needs the cluster CA and its key (ControllerManagerOptions.signingCA)');
    return new CsrSigningController(ctx, ctx.signingCA);
  },
  'root-ca-cert-publisher': (ctx) => {
    if (!ctx.rootCA) throw new Error('root-ca-cert-publisher needs the cluster CA (ControllerManagerOptions.rootCA)');
    return new RootCaCertPublisher(ctx, ctx.rootCA);
  },
};

export const controllerNames = Object.keys(controllerFactories);

export interface ControllerManagerOptions {
  clock?: Clock;
  /** Failures that are retried; by default printed to stderr, except the routine races of controllers acting on caches (see isRoutineRace). */
  onError?: (err: unknown, context: string) => void;
  /** Which controllers run (default: all; root-ca-cert-publisher only when rootCA is given). */
  controllers?: string[];
  /** The cluster's CA certificate (PEM), published in every namespace as ConfigMap kube-root-ca.crt. */
  rootCA?: string;
  /** The CA and key approved CertificateSigningRequests are signed with (--cluster-signing-cert-file and -key-file); csrsigning runs only when given. */
  signingCA?: CertificateAuthority;
  /** The kinds the API server serves, followed as they change (default: the built-in kinds). */
  resources?: ServedResources;
  /** Where local-path volumes keep their data; the local-path provisioner runs only when given. */
  localPathStorage?: LocalPathStorage;
  /** The cluster's pod journeys (the endpoint controllers add to them). */
  journeys?: JourneyRecorder;
}

/**
 * A write that lost a race: a conflict (optimistic concurrency), or an object
 * that an informer had not yet shown gone (NotFound) or created
 * (AlreadyExists). The retry sorts it out; Kubernetes logs these only verbosely.
 */
export function isRoutineRace(err: unknown): boolean {
  return isApiError(err, 'Conflict') || isApiError(err, 'NotFound') || isApiError(err, 'AlreadyExists');
}

function logError(err: unknown, context: string): void {
  if (isRoutineRace(err)) return;
  process.stderr.write(`controller-manager: ${context}: ${err instanceof Error ? err.message : String(err)}\n`);
}

export class ControllerManager {
  private readonly informers: InformerFactory;
  private readonly recorders: EventRecorder[] = [];
  private readonly controllers: Controller[];
  private started = false;

  constructor(client: KubeClient, options: ControllerManagerOptions = {}) {
    const clock = options.clock ?? realClock;
    const onError = options.onError ?? logError;
    this.informers = new InformerFactory(client, { clock, onError });
    const ctx: ControllerContext = {
      client,
      informers: this.informers,
      resources: options.resources ?? builtInResources,
      clock,
      onError,
      ...(options.rootCA ? { rootCA: options.rootCA } : {}),
      ...(options.signingCA ? { signingCA: options.signingCA } : {}),
      ...(options.localPathStorage ? { localPathStorage: options.localPathStorage } : {}),
      ...(options.journeys ? { journeys: options.journeys } : {}),
      recorder: (component) => {
        const recorder = new EventRecorder(client, { component }, () => new Date(clock.now()));
        this.recorders.push(recorder);
        return recorder;
      },
    };
    const names = options.controllers ?? controllerNames.filter((name) => (name !== 'root-ca-cert-publisher' || options.rootCA) && (name !== 'csrsigning' || options.signingCA) && (name !== 'local-path-provisioner' || options.localPathStorage));
    for (const name of names) if (!controllerFactories[name]) throw new Error(`unknown controller "${name}" (known: ${controllerNames.join(', ')})`);
    this.controllers = names.map((name) => controllerFactories[name](ctx));
  }

  /** Resolves once every cache has synced and the controllers run. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.informers.start();
    for (const controller of this.controllers) controller.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.stop()));
    await this.informers.stop();
    await Promise.all(this.recorders.map((r) => r.flush()));
  }
}
