// The API server, assembled: resource catalog over the store, the admission
// chain, authentication (the admin's token, service account tokens,
// impersonation), authorization (system:masters, then RBAC), the dispatcher,
// the HTTPS front, and in-process clients for PodLab's own components.

import type { Store } from '../store/store.ts';
import type { KubeObject } from '../kube/meta.ts';
import { featureGateDefaults, type FeatureGates } from './featureGates.ts';
import { AdmissionChain, type AdmissionPlugin } from './admission/admission.ts';
import { AdmissionDenials } from './admission/admissionDenials.ts';
import { DefaultStorageClassPlugin } from './admission/defaultStorageClass.ts';
import { PersistentVolumeClaimResizePlugin } from './admission/persistentVolumeClaimResize.ts';
import { StorageObjectInUseProtectionPlugin } from './admission/storageObjectInUseProtection.ts';
import { DefaultingPlugin } from './admission/defaulting.ts';
import { NamespaceLifecyclePlugin } from './admission/namespaceLifecycle.ts';
import { RbacEscalationPlugin } from './admission/rbacEscalation.ts';
import { ServiceAccountPlugin } from './admission/serviceAccount.ts';
import { ServiceAllocationPlugin, ServiceRange } from './admission/serviceAllocation.ts';
import { PodSecurityPlugin } from './admission/podSecurity/podSecurityPlugin.ts';
import { MutatingWebhookPlugin } from './admission/webhook/mutatingWebhooks.ts';
import { ValidatingPolicyPlugin } from './admission/validatingPolicy/validatingPolicyPlugin.ts';
import { ValidatingWebhookPlugin } from './admission/webhook/validatingWebhooks.ts';
import type { EndpointDialer } from './admission/webhook/webhookCall.ts';
import type { WebhookServices } from './admission/webhook/webhookInvocation.ts';
import { conversionWebhook } from './crd/conversionWebhook.ts';
import type { Authorizer } from './auth/authorizer.ts';
import { DenialLog } from './auth/denialLog.ts';
import { RbacAuthorizer } from './auth/rbac/rbacAuthorizer.ts';
import { storedPolicy } from './auth/rbac/storedPolicy.ts';
import { RequestAuthenticator } from './auth/requestAuthenticator.ts';
import { DefaultIngressClassPlugin } from './admission/defaultIngressClass.ts';
import { LimitRangerPlugin } from './admission/limitRanger.ts';
import { PriorityPlugin } from './admission/priority.ts';
import { ResourceQuotaPlugin } from './admission/resourceQuota.ts';
import type { TokenAuthenticator } from './auth/tokenAuthenticator.ts';
import { newEcKeyPair } from './auth/ecKeyPair.ts';
import { ServiceAccountTokens, type SigningKey } from './auth/serviceAccountTokens.ts';
import { StaticTokenAuthenticator } from './auth/tokenAuthenticator.ts';
import { PrivilegedGroupAuthorizer, UnionAuthorizer } from './auth/unionAuthorizer.ts';
import { adminUser, type UserInfo } from './auth/user.ts';
import { InProcessClient } from './client/inProcessClient.ts';
import { getSharedNowOrLater, listSharedNowOrLater } from './registry/sharedReads.ts';
import { InProcessDiscovery } from './client/inProcessDiscovery.ts';
import { InProcessTables } from './client/inProcessTables.ts';
import { componentUserAgent } from './client/userAgent.ts';
import type { DiscoveryClient } from '../kube/client/discovery.ts';
import type { TableClient } from '../kube/client/tables.ts';
import type { KubeClient } from '../kube/client/types.ts';
import { CreateOnlyResources } from './createOnly.ts';
import { CustomResourceServing } from './crd/customResourceServing.ts';
import { versionBehaviour } from './crd/versionBehaviour.ts';
import { Discovery } from './discovery.ts';
import { Dispatcher } from './dispatcher.ts';
import { ApiHttpServer, type HttpLimits, type OpenApiDocuments } from './http/server.ts';
import type { Definitions } from './openapi/schema.ts';
import type { OpenApiDocumentServer, PodLabSchemaServices } from './openapi/schemaServices.ts';
import type { ResourceDefinition } from './registry/resourceDefinition.ts';
import { ResourceCatalog } from './resourceCatalog.ts';
import { localsubjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, subjectaccessreviews } from './resources/authorization.k8s.io.ts';
import { selfsubjectreviews, tokenreviews } from './resources/authentication.k8s.io.ts';
import { bindings } from './resources/bindings.ts';
import { tokenReviews } from './reviews/tokenReview.ts';
import { ReadOnlyResources } from './readOnly.ts';
import { localSubjectAccessReviews, selfSubjectAccessReviews, subjectAccessReviews } from './reviews/accessReviews.ts';
import { selfSubjectRulesReviews } from './reviews/rulesReview.ts';
import { selfSubjectReviews } from './reviews/selfSubjectReview.ts';
import { getIfExists } from './storedObject.ts';
import { bindPod, SubresourceServices, success } from './subresources.ts';
import { TokenRequests } from './tokenRequest.ts';
import { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import { PodTraceEndpoint } from './podTraceEndpoint.ts';
import { storeCheck, type HealthCheck } from './http/healthChecks.ts';
import { RequestMetrics } from './requestMetrics.ts';
import { StoredObjectCounts } from './storedObjectCounts.ts';
import { prometheusText, type MetricFamily } from '../metrics/prometheusText.ts';
import { processMetrics } from '../metrics/processMetrics.ts';
import { CertificateAdmissionPlugin } from './admission/certificateAdmission.ts';
import { RuntimeClassPlugin } from './admission/runtimeClass.ts';

/** What the store's health check reads (kube-apiserver's etcd check gets a key too); it need not exist. */
const HEALTH_KEY = '/registry/health';

export interface ApiServerOptions {
  store: Store;
  /** Kubernetes feature gates that change what clients see; absent ones keep 1.32's defaults. */
  featureGates?: Partial<FeatureGates>;
  definitions: ResourceDefinition[];
  schema: PodLabSchemaServices;
  /** The serving certificate; needed only to listen (in-process clients need none). */
  tls?: { key: string; cert: string; clientCA?: string };
  adminToken: string;
  /** Replaces kube-apiserver's chain (system:masters, then RBAC). */
  authorizer?: Authorizer;
  /** The Service ClusterIP range (CIDR); its first address is the `kubernetes` Service's. */
  serviceRange: string;
  /** The key service account tokens are signed with (the cluster's sa.key). Absent: one made for this process, whose tokens die with it. */
  serviceAccountKey?: SigningKey;
  /**
   * The ServiceAccount admission plugin (default service account, mounted API
   * token). Off unless asked for: it needs the serviceaccount controller to
   * make each namespace's `default`, which bare API servers in tests do not run.
   */
  serviceAccountAdmission?: boolean;
  /** Extra admission plugins, after defaulting, namespace lifecycle, service allocation and service accounts. */
  admissionPlugins?: AdmissionPlugin[];
  now?: () => Date;
  /** Whether a port is free on this machine's 127.0.0.1 (NodePorts are served there). Default: assume so. */
  hostPortFree?: (port: number) => Promise<boolean>;
  /** How often bookmarks go to watchers that allow them (default a minute). */
  bookmarkIntervalMs?: number;
  /** Request timeout, connection cap and watch buffer bound of the HTTPS server (defaults: Kubernetes'). */
  httpLimits?: HttpLimits;
  /** Where pods' journeys are recorded (the cluster shares it with its other components); default: one of the API server's own. */
  journeys?: JourneyRecorder;
}

export class ApiServer {
  readonly catalog: ResourceCatalog;
  readonly dispatcher: Dispatcher;
  readonly subresources: SubresourceServices;
  /** Kinds computed in memory (metrics.k8s.io): the cluster registers their providers once its nodes run. */
  readonly readOnly = new ReadOnlyResources();
  /** The request figures /metrics reports. */
  readonly requestMetrics = new RequestMetrics();
  /** apiserver_storage_objects, checked at most once a minute as kube-apiserver does. */
  private readonly storedObjectCounts: StoredObjectCounts;
  readonly serviceRange: ServiceRange;
  /** Recent authorization denials per user, in memory: what the debugger cites. */
  readonly denials: DenialLog;
  /** Recent admission refusals (webhooks, Pod Security, policies, every plugin), in memory: the debugger's refused requests. */
  readonly admissionDenials: AdmissionDenials;
  readonly rbac: RbacAuthorizer;
  /** Serves the versions of established CRDs and finalizes deleted ones; `start()` it before serving requests. */
  readonly customResources: CustomResourceServing;
  /** Every recent pod's journey: the API server records its part and serves the whole at /podlab/v1/.../trace. */
  readonly journeys: JourneyRecorder;
  /** GET /podlab/v1/namespaces/NS/pods/NAME/trace: PodLab's own endpoint, outside the discovered API groups. */
  readonly podTraces: PodTraceEndpoint;
  /**
   * How the API server reaches a pod address on the cluster network (the
   * endpoint of a webhook's Service), as kube-apiserver dials pod IPs from
   * the control-plane node. The cluster's networking sets it while it runs;
   * unset, the address is dialed directly.
   */
  clusterDialer: EndpointDialer | undefined;
  /** The chain every decision comes from (reviews ask it directly, without being remembered as denials). */
  private readonly authorizer: Authorizer;
  /** The same chain for requests: its denials are remembered. */
  private readonly requestAuthorizer: Authorizer;
  private http?: ApiHttpServer;
  private port = 0;
  private tokens?: ServiceAccountTokens;

  constructor(private readonly options: ApiServerOptions) {
    this.serviceRange = new ServiceRange(options.serviceRange);
    this.journeys = options.journeys ?? new JourneyRecorder();
    const now = options.now ?? (() => new Date());
    const registryFor = (group: string, version: string, plural: string) => this.catalog.registry(group, version, plural);
    this.rbac = new RbacAuthorizer(storedPolicy(registryFor));
    this.authorizer = options.authorizer ?? new UnionAuthorizer([new PrivilegedGroupAuthorizer(), this.rbac]);
    this.denials = new DenialLog({ now });
    this.requestAuthorizer = this.denials.recording(this.authorizer);
    this.admissionDenials = new AdmissionDenials({ now });
    // Admission's lookups only read: they get the shared, frozen objects (registry.getShared and listShared), at once from memory when they can (sharedReads.ts).
    const getNamespace = (name: string) => getSharedNowOrLater(registryFor('', 'v1', 'namespaces'), '', name);
    const webhookServices: WebhookServices = {
      definitions: () => this.catalog.definitions(),
      getNamespace,
      getService: (ns, name) => getIfExists(registryFor('', 'v1', 'services'), ns, name),
      getEndpoints: (ns, name) => getIfExists(registryFor('', 'v1', 'endpoints'), ns, name),
      endpointDialer: () => this.clusterDialer,
    };
    // At once from the store's memory when it holds them (it does once listed): most writes find none and go on without a promise.
    const listAdmissionConfigurations = (plural: string) => () => listSharedNowOrLater(registryFor('admissionregistration.k8s.io', 'v1', plural), '');
    // kube-apiserver's plugin order (AllOrderedPlugins): NamespaceLifecycle, LimitRanger, ServiceAccount, PodSecurity, Priority,
    // DefaultStorageClass, StorageObjectInUseProtection, PersistentVolumeClaimResize, RuntimeClass, the certificate plugins,
    // DefaultIngressClass; then the dynamic ones,
    // MutatingAdmissionWebhook last among the mutating, ValidatingAdmissionPolicy and ValidatingAdmissionWebhook, and ResourceQuota last.
    const plugins: AdmissionPlugin[] = [
      new DefaultingPlugin(),
      new NamespaceLifecyclePlugin(getNamespace),
      new ServiceAllocationPlugin(this.serviceRange, async () => (await this.catalog.registry('', 'v1', 'services')!.list('')).items, options.hostPortFree),
      new LimitRangerPlugin((namespace) => listSharedNowOrLater(registryFor('', 'v1', 'limitranges'), namespace)),
      ...(options.serviceAccountAdmission ? [new ServiceAccountPlugin({ getServiceAccount: (ns, name) => getSharedNowOrLater(registryFor('', 'v1', 'serviceaccounts'), ns, name) })] : []),
      new PodSecurityPlugin({ getNamespace, listPods: async (ns) => (await registryFor('', 'v1', 'pods')!.list(ns)).items }),
      new PriorityPlugin(() => listSharedNowOrLater(registryFor('scheduling.k8s.io', 'v1', 'priorityclasses'), '')),
      new DefaultStorageClassPlugin(async () => registryFor('storage.k8s.io', 'v1', 'storageclasses')!.listShared('')),
      new StorageObjectInUseProtectionPlugin(),
      new PersistentVolumeClaimResizePlugin((name) => getIfExists(registryFor('storage.k8s.io', 'v1', 'storageclasses'), '', name)),
      new RuntimeClassPlugin((name) => getIfExists(registryFor('node.k8s.io', 'v1', 'runtimeclasses'), '', name)),
      new CertificateAdmissionPlugin(this.authorizer),
      new RbacEscalationPlugin(this.authorizer, this.rbac.resolver),
      new DefaultIngressClassPlugin(async () => (await this.catalog.registry('networking.k8s.io', 'v1', 'ingressclasses')?.listShared('')) ?? []),
      ...(options.admissionPlugins ?? []),
      // The dynamic plugins come after the built-in ones: webhooks and policies see the object as those left it.
      new MutatingWebhookPlugin(listAdmissionConfigurations('mutatingwebhookconfigurations'), webhookServices),
      new ValidatingPolicyPlugin({
        definitions: () => this.catalog.definitions(),
        registry: registryFor,
        getNamespace,
        listPolicies: listAdmissionConfigurations('validatingadmissionpolicies'),
        listBindings: listAdmissionConfigurations('validatingadmissionpolicybindings'),
      }),
      new ValidatingWebhookPlugin(listAdmissionConfigurations('validatingwebhookconfigurations'), webhookServices),
      // Last, as in kube-apiserver: the object is charged as the other plugins left it.
      new ResourceQuotaPlugin({
        list: (namespace) => listSharedNowOrLater(registryFor('', 'v1', 'resourcequotas'), namespace),
        updateStatus: async (quota) => {
          await registryFor('', 'v1', 'resourcequotas')?.update(quota.metadata.namespace ?? '', quota.metadata.name ?? '', 'status', quota, { user: adminUser, dryRun: false });
        },
      }),
    ];
    const admission = new AdmissionChain(plugins.map((plugin) => this.admissionDenials.recording(plugin)));
    this.storedObjectCounts = new StoredObjectCounts(options.store, now);
    this.catalog = new ResourceCatalog(options.definitions, { store: options.store, admission, now, schemaFor: (gvk) => options.schema.lookup.forKind(gvk) });
    this.subresources = new SubresourceServices(now);
    this.subresources.authorizer = this.requestAuthorizer;
    this.subresources.websocketUpgradeNeedsCreate = options.featureGates?.AuthorizePodWebsocketUpgradeCreatePermission ?? featureGateDefaults.AuthorizePodWebsocketUpgradeCreatePermission;
    this.subresources.budgets = () => this.catalog.registry('policy', 'v1', 'poddisruptionbudgets');
    this.subresources.endpoints = () => this.catalog.registry('', 'v1', 'endpoints');
    this.subresources.tokenRequests = new TokenRequests({ tokens: () => this.serviceAccountTokens, coreRegistry: (plural) => registryFor('', 'v1', plural), now });
    const createOnly = new CreateOnlyResources();
    createOnly.register(selfsubjectaccessreviews, selfSubjectAccessReviews(this.authorizer));
    createOnly.register(subjectaccessreviews, subjectAccessReviews(this.authorizer));
    createOnly.register(localsubjectaccessreviews, localSubjectAccessReviews(this.authorizer));
    createOnly.register(selfsubjectrulesreviews, selfSubjectRulesReviews(this.rbac));
    createOnly.register(selfsubjectreviews, selfSubjectReviews(now));
    createOnly.register(bindings, {
      create: async (_user, binding, namespace) => {
        await bindPod(registryFor('', 'v1', 'pods')!, namespace, binding.metadata?.name ?? '', binding, now);
        return success(201) as unknown as KubeObject;
      },
    });
    createOnly.register(tokenreviews, tokenReviews(() => this.tokenAuthenticators, () => this.serviceAccountTokens.audiences));
    this.dispatcher = new Dispatcher(this.catalog, this.requestAuthorizer, options.schema, this.subresources, createOnly, this.readOnly, this.journeys, this.requestMetrics);
    this.podTraces = new PodTraceEndpoint({ journeys: this.journeys, authorizer: this.requestAuthorizer, pods: () => this.catalog.registry('', 'v1', 'pods') });
    this.catalog.onChange(() => options.schema.setCustomDefinitions(this.customDefinitions()));
    this.customResources = new CustomResourceServing(this.catalog, { now, behaviour: versionBehaviour, conversionWebhook: (crd) => conversionWebhook(crd, webhookServices), onError: (err, context) => process.stderr.write(`apiextensions: ${context}: ${err instanceof Error ? err.message : String(err)}\n`) });
  }

  /** kube-apiserver's /metrics: the request figures, the stored objects of each resource, and the process's own. */
  async metricsText(): Promise<string> {
    const resources = new Map<string, string>();
    for (const registry of this.catalog.registries) {
      // Answered, not stored: the reviews (create only) and metrics.k8s.io's figures (read only).
      const verbs = registry.def.verbs;
      if (verbs && !(verbs.includes('create') && verbs.includes('list'))) continue;
      const stored = registry.def.storage ?? registry.def;
      resources.set(registry.prefix(), stored.group ? `${stored.plural}.${stored.group}` : stored.plural);
    }
    const counts = await Promise.all([...resources].map(async ([prefix, resource]) => ({ labels: { resource }, value: await this.storedObjectCounts.count(prefix) })));
    const storageObjects: MetricFamily = { name: 'apiserver_storage_objects', help: 'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.', type: 'gauge', stability: 'STABLE', series: counts };
    return prometheusText([...this.requestMetrics.families(), storageObjects, ...processMetrics()]);
  }

  /** Every definition the served custom resources bring: patches, field validation and OpenAPI see them as soon as the kind is served. */
  private customDefinitions(): Definitions {
    const all: Definitions = {};
    for (const def of this.catalog.definitions()) Object.assign(all, def.openapiDefinitions);
    return all;
  }

  /** /openapi/v2 and /openapi/v3, rebuilt after the served kinds change (lazily: a burst of CRDs builds them once). */
  private openapiDocuments(): OpenApiDocuments {
    let built: { generation: number; server: OpenApiDocumentServer } | undefined;
    return {
      document: (path, accept, ifNoneMatch) => {
        if (built?.generation !== this.catalog.generation) {
          built = { generation: this.catalog.generation, server: this.options.schema.openapi(this.catalog.definitions()) };
        }
        return built.server.document(path, accept, ifNoneMatch);
      },
    };
  }

  /** Issues and checks service account tokens; the key is made on first use when the cluster gave none. */
  get serviceAccountTokens(): ServiceAccountTokens {
    if (!this.tokens) {
      const key = this.options.serviceAccountKey ?? newEcKeyPair();
      const registryFor = (plural: string) => this.catalog.registry('', 'v1', plural);
      const objects = { serviceAccount: (ns: string, name: string) => getIfExists(registryFor('serviceaccounts'), ns, name), pod: (ns: string, name: string) => getIfExists(registryFor('pods'), ns, name) };
      this.tokens = new ServiceAccountTokens(key, objects, this.options.now);
    }
    return this.tokens;
  }

  /** The bearer tokens the server takes, in kube-apiserver's order: the admin's static token, then service account JWTs. */
  get tokenAuthenticators(): TokenAuthenticator[] {
    if (!this.tokenChain) {
      const adminTokens = new StaticTokenAuthenticator();
      adminTokens.add(this.options.adminToken, adminUser);
      this.tokenChain = [adminTokens, { authenticateToken: (token, audiences) => this.serviceAccountTokens.authenticateToken(token, audiences) }];
    }
    return this.tokenChain;
  }
  private tokenChain: TokenAuthenticator[] | undefined;

  /** Listens on 127.0.0.1:port (0 = any free port) and returns the port. */
  /** `orAnyPort`: a free port when `port` is taken. */
  async listen(port: number, orAnyPort = false): Promise<number> {
    if (!this.options.tls) throw new Error('the API server needs a serving certificate to listen');
    this.http = new ApiHttpServer({
      tls: this.options.tls,
      authenticator: new RequestAuthenticator(this.tokenAuthenticators, this.requestAuthorizer),
      authorizer: this.requestAuthorizer,
      dispatcher: this.dispatcher,
      discovery: new Discovery(this.catalog, () => `127.0.0.1:${this.port}`),
      openapi: this.openapiDocuments(),
      bookmarkIntervalMs: this.options.bookmarkIntervalMs,
      limits: this.options.httpLimits,
      journeyClock: this.journeys.clock,
      podTraces: this.podTraces,
      health: this.healthChecks(),
      metrics: () => this.metricsText(),
    });
    this.port = await this.http.listen(port, undefined, orAnyPort);
    return this.port;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** `typedBodies`: for PodLab's own components, whose writes are built by typed code (ApiRequest.typedBody), never a user's document. */
  client(user: UserInfo, { typedBodies = false }: { typedBodies?: boolean } = {}): KubeClient {
    return new InProcessClient(this.dispatcher, user, undefined, typedBodies);
  }

  /** Aggregated discovery as `user` reads it, without HTTP (the documents are this process's own, so its address is not needed). */
  discoveryClient(user: UserInfo): DiscoveryClient {
    this.inProcessDiscovery ??= new Discovery(this.catalog, () => `127.0.0.1:${this.port}`);
    return new InProcessDiscovery(this.inProcessDiscovery, this.requestAuthorizer, user);
  }
  private inProcessDiscovery: Discovery | undefined;

  /** Lists printed as server-side Tables, as `user` would get them over HTTPS. */
  tableClient(user: UserInfo): TableClient {
    return new InProcessTables(this.dispatcher, user, componentUserAgent(user));
  }

  /** /livez's checks, and what /readyz adds: the store answers, and the server is not shutting down. */
  /** Resolves once the store answers a read (what /livez's etcd check and etcd-0's ComponentStatus ask). */
  async storeAnswers(): Promise<void> {
    await this.options.store.get(HEALTH_KEY);
  }

  private healthChecks(): { live: HealthCheck[]; ready: HealthCheck[] } {
    const readStore = () => this.storeAnswers();
    return {
      live: [{ name: 'ping', check: async () => undefined }, storeCheck('etcd', readStore)],
      ready: [
        storeCheck('etcd-readiness', readStore),
        {
          name: 'shutdown',
          check: async () => {
            if (this.shuttingDown) throw new Error('the server is shutting down');
          },
        },
      ],
    };
  }
  private shuttingDown = false;

  async close(): Promise<void> {
    this.shuttingDown = true;
    this.customResources.stop();
    await this.http?.close();
  }
}
