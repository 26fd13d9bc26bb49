// The API server, assembled: resource catalog over the store, the admission
// chain, the dispatcher, the HTTPS front, and in-process clients for PodLab's
// own components.

import type { Store } from '../store/store.ts';
import { AdmissionChain, type AdmissionPlugin } from './admission/admission.ts';
import { DefaultingPlugin } from './admission/defaulting.ts';
import { NamespaceLifecyclePlugin } from './admission/namespaceLifecycle.ts';
import { ServiceAllocationPlugin, ServiceRange } from './admission/serviceAllocation.ts';
import { AllowAllAuthorizer, type Authorizer } from './auth/authorizer.ts';
import { TokenAuthenticator } from './auth/tokenAuthenticator.ts';
import { adminUser, type UserInfo } from './auth/user.ts';
import { InProcessClient } from './client/inProcessClient.ts';
import type { KubeClient } from './client/types.ts';
import { Discovery } from './discovery.ts';
import { Dispatcher, type SchemaServices } from './dispatcher.ts';
import { StatusError } from './errors.ts';
import { ApiHttpServer, type OpenApiDocuments } from './http/server.ts';
import type { ResourceDefinition } from './registry/resourceDefinition.ts';
import { ResourceCatalog } from './resourceCatalog.ts';
import { SubresourceHandlers } from './subresources.ts';

export interface ApiServerOptions {
  store: Store;
  definitions: ResourceDefinition[];
  schema: SchemaServices;
  openapi?: OpenApiDocuments;
  /** The serving certificate; needed only to listen (in-process clients need none). */
  tls?: { key: string; cert: string };
  adminToken: string;
  authorizer?: Authorizer;
  /** The Service ClusterIP range (CIDR); its first address is the `kubernetes` Service's. */
  serviceRange: string;
  /** Extra admission plugins, after defaulting, namespace lifecycle and service allocation. */
  admissionPlugins?: AdmissionPlugin[];
  now?: () => Date;
  /** Whether a port is free on this machine's 127.0.0.1 (NodePorts are served there). Default: assume so. */
  hostPortFree?: (port: number) => Promise<boolean>;
  /** How often bookmarks go to watchers that allow them (default a minute). */
  bookmarkIntervalMs?: number;
}

export class ApiServer {
  readonly catalog: ResourceCatalog;
  readonly dispatcher: Dispatcher;
  readonly subresources: SubresourceHandlers;
  private http?: ApiHttpServer;
  private port = 0;

  readonly serviceRange: ServiceRange;

  constructor(private readonly options: ApiServerOptions) {
    this.serviceRange = new ServiceRange(options.serviceRange);
    const now = options.now ?? (() => new Date());
    const plugins: AdmissionPlugin[] = [
      new DefaultingPlugin(),
      new NamespaceLifecyclePlugin((name) => this.getNamespace(name)),
      new ServiceAllocationPlugin(this.serviceRange, async () => (await this.catalog.registry('', 'v1', 'services')!.list('')).items, options.hostPortFree),
      ...(options.admissionPlugins ?? []),
    ];
    this.catalog = new ResourceCatalog(options.definitions, { store: options.store, admission: new AdmissionChain(plugins), now });
    const authorizer = options.authorizer ?? new AllowAllAuthorizer();
    this.subresources = new SubresourceHandlers(now);
    this.dispatcher = new Dispatcher(this.catalog, authorizer, options.schema, this.subresources);
    this.authorizer = authorizer;
  }

  private readonly authorizer: Authorizer;

  private async getNamespace(name: string) {
    const registry = this.catalog.registry('', 'v1', 'namespaces');
    if (!registry) return undefined;
    try {
      return await registry.get('', name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** Listens on 127.0.0.1:port (0 = any free port) and returns the port. */
  async listen(port: number): Promise<number> {
    if (!this.options.tls) throw new Error('the API server needs a serving certificate to listen');
    const authenticator = new TokenAuthenticator();
    authenticator.add(this.options.adminToken, adminUser);
    this.http = new ApiHttpServer({
      tls: this.options.tls,
      authenticator,
      authorizer: this.authorizer,
      dispatcher: this.dispatcher,
      discovery: new Discovery(this.catalog, () => `127.0.0.1:${this.port}`),
      openapi: this.options.openapi,
      bookmarkIntervalMs: this.options.bookmarkIntervalMs,
    });
    this.port = await this.http.listen(port);
    return this.port;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  client(user: UserInfo): KubeClient {
    return new InProcessClient(this.dispatcher, user);
  }

  async close(): Promise<void> {
    await this.http?.close();
  }
}
