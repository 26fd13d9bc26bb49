// One request path for every client: kubectl's HTTPS requests (through
// http/) and PodLab's own components (through the in-process client) both end
// here, so authorization, admission, validation and storage behave the same
// for all of them.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Authorizer } from './auth/authorizer.ts';
import { forbiddenError } from './auth/forbidden.ts';
import { resourceAttributes } from './auth/requestAttributes.ts';
import type { UserInfo } from './auth/user.ts';
import { errors, StatusError, toStatusError } from './errors.ts';
import type { FieldError, KubeObject, Status } from '../kube/meta.ts';
import { forbidden, required } from './validation/fieldErrors.ts';
import { checkResourceVersion, queryInt, queryOptionalBool } from './queryValues.ts';
import type { ResourceRequestInfo } from './requestInfo.ts';
import type { DeleteOptions, RegistryWatchEvent, ResourceRegistry, WriteContext } from './registry/registry.ts';
import { successStatus } from './registry/registry.ts';
import type { ResourceCatalog } from './resourceCatalog.ts';
import { scaleOf, updateScale } from './registry/scale.ts';
import type { SubresourceServices } from './subresources.ts';
import type { Subresource } from './registry/resourceDefinition.ts';
import type { CreateOnlyResources } from './createOnly.ts';
import type { ReadOnlyProvider, ReadOnlyResources } from './readOnly.ts';
import { labelsMatch, parseLabelSelector } from '../kube/labels/labelSelector.ts';
import { fieldsMatch, parseFieldSelector } from './validation/fieldSelector.ts';
import { fieldManagerFor } from './fieldmanager/ownership.ts';
import { managerOrUserAgent, validateFieldManager } from './fieldmanager/managerName.ts';
import { queryBool } from './queryValues.ts';
import { duplicateFields } from './http/jsonDuplicates.ts';
import { checkPathSegmentName } from './pathSegmentName.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import type { RequestJourney } from '../kube/trace/requestJourney.ts';
import { beginPodRequest, endAuthorization, mayCreatePod, podRequestAnswered, podRequestRefused, startAuthorization } from './podRequestJourney.ts';
import type { RequestMetrics } from './requestMetrics.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** What the schema (OpenAPI) knows: patches and unknown fields need it. */
export interface SchemaServices {
  applyPatch(contentType: string, current: KubeObject, patch: unknown, gvk: { group: string; version: string; kind: string }): KubeObject;
  /** Paths of fields the schema does not know, as Kubernetes prints them (`spec.containers[0].imagee`). */
  unknownFields(obj: KubeObject, gvk: { group: string; version: string; kind: string }): string[];
  /** Removes unknown fields in place. */
  prune(obj: KubeObject, gvk: { group: string; version: string; kind: string }): void;
  /**
   * kube-apiserver's 400 message when the body does not decode into the kind's Go type (a wrong type, an
   * out-of-range number, a bad quantity or time, nested too deep); undefined when it decodes. Custom resources
   * decode unstructured: only the depth counts.
   */
  decodeError(obj: unknown, gvk: { group: string; version: string; kind: string }): string | undefined;
}

export interface ApiRequest {
  user: UserInfo;
  info: ResourceRequestInfo;
  query: URLSearchParams;
  /** The decoded body: an object for create/update, the patch document for patch, DeleteOptions for delete. */
  body?: unknown;
  /** For patch: the patch's media type. */
  contentType?: string;
  /** The client's User-Agent: the field manager of writes that name none. */
  userAgent?: string;
  /** How the HTTPS front took the request in (a pod's journey starts there); absent for in-process clients. */
  arrival?: RequestArrival;
  /**
   * The body is an object PodLab's own component built with typed code, as
   * client-go encodes a Go struct: Go could always decode it and it has no
   * unknown or duplicate field, so the schema checks of decoding are skipped
   * (a tenth of the API server's work for a kubelet's or controller's write).
   * Only in-process component clients set it; HTTP requests never do.
   */
  typedBody?: boolean;
  /**
   * The caller only reads the answer (ResourceClientOptions.readOnlyAnswers):
   * a get or a write may answer with the object the resource's watchers
   * share, frozen, instead of a copy of it. Only in-process clients set it.
   */
  readOnlyAnswer?: boolean;
}

export interface RequestArrival {
  /** When the request arrived and when it was authenticated, on the journey recorder's clock. */
  receivedMs: number;
  authenticatedMs: number;
  method: string;
  impersonatedBy?: string;
}

export type WatchStarter = (onEvent: (event: RegistryWatchEvent) => void, onEnd: (status?: Status) => void) => Promise<{ stop(): void; revision: number }>;

/**
 * The answer of a connect subresource (pods/log, exec, attach): it takes over
 * the exchange once the request has been authorized and validated. Throwing
 * a StatusError before writing anything answers with that Status.
 */
export interface ConnectHandler {
  /** A plain request: pods/log streams its text on res. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
  /** An upgrade request: exec and attach take over the socket (WebSocket). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> | void;
}

export type ApiResult =
  | { type: 'object'; code: number; object: unknown; warnings: string[] }
  | { type: 'watch'; start: WatchStarter; registry: ResourceRegistry }
  | { type: 'connect'; handler: ConnectHandler };

/** The clock of a server-side apply's managedFields times (one function, so its field manager is made once). */
const wallClock = (): Date => new Date();

export class Dispatcher {
  constructor(
    private readonly catalog: ResourceCatalog,
    private readonly authorizer: Authorizer,
    private readonly schema: SchemaServices,
    private readonly subresources: SubresourceServices,
    private readonly createOnly?: CreateOnlyResources,
    private readonly readOnly?: ReadOnlyResources,
    /** Where requests that create pods record their part of the pod's journey. */
    private readonly journeys?: JourneyRecorder,
    /** apiserver_request_total and the rest of /metrics' request figures. */
    private readonly metrics?: RequestMetrics,
    /** Components' typed bodies are checked all the same, and one decoding would refuse is an error: under `npm test`. */
    private readonly checkTypedBodies = process.env.PODLAB_TEST === '1',
  ) {}

  registryFor(info: ResourceRequestInfo): ResourceRegistry | undefined {
    return this.catalog.registry(info.group, info.version, info.resource);
  }

  async handle(req: ApiRequest): Promise<ApiResult> {
    const warnings: string[] = [];
    const journey = this.journeys && mayCreatePod(req) ? beginPodRequest(this.journeys, req) : undefined;
    const answered = this.metrics?.begin(req.info, req.query, req.contentType);
    try {
      const result = await this.serve(req, warnings, journey);
      if (journey) podRequestAnswered(this.journeys!, journey, result);
      answered?.(result.type === 'object' ? result.code : 200);
      return result;
    } catch (err) {
      answered?.(toStatusError(err).status.code);
      if (journey) podRequestRefused(this.journeys!, journey, req, err);
      // Admission's warnings reach the client with its refusal too, as kube-apiserver's warning recorder sends them.
      if (err instanceof StatusError && warnings.length > 0) err.warnings = [...warnings];
      throw err;
    }
  }

  private async serve(req: ApiRequest, warnings: string[], journey?: RequestJourney): Promise<ApiResult> {
    const { info } = req;
    const registry = this.catalog.registry(info.group, info.version, info.resource);
    if (!registry) throw errors.resourceNotFound(info.path);
    const def = registry.def;
    if (def.deprecationWarning) warnings.push(def.deprecationWarning);
    if (info.subresource && !def.subresources.includes(info.subresource as never)) throw errors.resourceNotFound(info.path);
    if (def.namespaced && !info.namespace && info.name && info.verb !== 'list' && info.verb !== 'watch') throw errors.resourceNotFound(info.path);
    if (def.verbs && !def.verbs.includes(info.verb)) throw errors.methodNotSupported(registry.groupResource, info.verb);

    const attrs = resourceAttributes(req.user, info, req.query);
    const authorizing = journey && startAuthorization(journey, attrs);
    const decision = await this.authorizer.authorize(attrs);
    if (authorizing) endAuthorization(authorizing, attrs, decision);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    // What storage refuses in kube-apiserver, once the request is authorized.
    if (info.name) checkPathSegmentName(info.name);
    if (info.verb === 'get' || info.verb === 'list' || info.verb === 'watch') checkResourceVersion(req.query);

    const ns = def.namespaced ? info.namespace : '';
    const ctx: WriteContext = {
      user: req.user,
      dryRun: req.query.getAll('dryRun').includes('All'),
      manager: fieldManagerOf(req),
      warnings,
      ...(journey ? { journey } : {}),
      ...(req.readOnlyAnswer ? { readOnlyAnswer: true } : {}),
    };
    validateWriteOptions(info.verb, req);
    const ok = (object: unknown, code = 200): ApiResult => ({ type: 'object', code, object, warnings });

    const createOnly = this.createOnly?.handlerFor(def);
    if (createOnly) {
      // Reviews are answered, not stored: only create reaches here (def.verbs).
      const answered = await createOnly.create(req.user, this.decodeObject(req, registry, warnings), ns);
      // A Status (POST bindings) goes back as it is; a review comes back as its own kind.
      if (answered.kind === 'Status') return ok(answered, 201);
      const { apiVersion: _v, kind: _k, ...answer } = answered;
      return ok({ apiVersion: registry.apiVersion, kind: def.kind, ...answer }, 201);
    }

    const provider = this.readOnly?.providerFor(def);
    if (provider) return ok(await answerReadOnly(provider, registry, info.verb, ns, info.name, req.query));

    const action = info.subresource ? def.actions?.[info.subresource as Subresource] : undefined;
    if (action) {
      if (!action.verbs.includes(info.verb)) throw errors.methodNotSupported(registry.groupResource, info.verb);
      return action.run({ registry, req, namespace: ns, ctx }, this.subresources);
    }
    if (info.subresource && !['status', 'scale', 'ephemeralcontainers', 'approval'].includes(info.subresource)) throw errors.resourceNotFound(info.path);

    switch (info.verb) {
      case 'get': {
        const obj = await registry.get(ns, info.name, { shared: req.readOnlyAnswer === true });
        return ok(info.subresource === 'scale' ? scaleOf(def, obj) : obj);
      }
      case 'list':
        return ok(await registry.listServed(ns, listOptions(req.query)));
      case 'watch':
        return {
          type: 'watch',
          registry,
          start: (onEvent, onEnd) =>
            registry.watch(
              ns,
              {
                labelSelector: req.query.get('labelSelector') ?? undefined,
                fieldSelector: req.query.get('fieldSelector') ?? (info.name ? `metadata.name=${info.name}` : undefined),
                resourceVersion: req.query.get('resourceVersion') ?? undefined,
              },
              onEvent,
              onEnd,
            ),
        };
      case 'create': {
        const obj = this.decodeObject(req, registry, warnings, journey);
        return ok(await registry.create(ns, obj, ctx), 201);
      }
      case 'update': {
        if (info.subresource === 'scale') return ok(await updateScale(registry, ns, info.name, asObject(req.body), ctx));
        const obj = this.decodeObject(req, registry, warnings);
        return ok(await registry.update(ns, info.name, info.subresource, obj, ctx));
      }
      case 'patch': {
        if (isApplyPatch(req.contentType) && info.subresource !== 'scale') {
          const applied = await this.apply(req, registry, ns, ctx, warnings);
          return ok(applied.object, applied.created ? 201 : 200);
        }
        return ok(await this.patch(req, registry, ns, ctx, warnings));
      }
      case 'delete': {
        const options = this.deleteOptions(req.query, req.body);
        const { object, deleted } = await registry.delete(ns, info.name, options, ctx);
        // Objects that linger (finalizers, grace) come back as they are now: 200, or 202 when the deprecated orphanDependents=false asked for cascading, as Kubernetes answers.
        if (!deleted) return ok(object, options.orphanDependents === false ? 202 : 200);
        return ok(def.kind === 'Pod' ? object : successStatus(def, object));
      }
      case 'deletecollection':
        return ok(await registry.deleteCollection(ns, listOptions(req.query), this.deleteOptions(req.query, req.body), ctx));
    }
  }

  private decodeObject(req: ApiRequest, registry: ResourceRegistry, warnings: string[], journey?: RequestJourney): KubeObject {
    if (!journey) return this.decodeChecked(req, registry, warnings);
    const span = journey.start('admission', 'decode and check the schema', { fieldValidation: fieldValidationOf(req.query) });
    const warned = warnings.length;
    try {
      const obj = this.decodeChecked(req, registry, warnings);
      span.end({ attributes: { warnings: warnings.slice(warned).join('; ') || undefined } });
      return obj;
    } catch (err) {
      span.fail(err);
      throw err;
    }
  }

  /** The body as the kind it must be: Go-decodable, the right apiVersion and kind, unknown fields refused, warned or pruned. */
  private decodeChecked(req: ApiRequest, registry: ResourceRegistry, warnings: string[]): KubeObject {
    const obj = asObject(req.body);
    const def = registry.def;
    const typed = req.typedBody === true && !def.customResource;
    if (typed) {
      if (this.checkTypedBodies) this.assertTyped(obj, registry, req);
    } else this.checkDecodable(obj, registry);
    if (obj.apiVersion !== undefined && obj.apiVersion !== registry.apiVersion && !(req.info.subresource === 'status')) {
      throw errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${registry.apiVersion})`);
    }
    if (obj.kind !== undefined && obj.kind !== def.kind) {
      throw errors.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${def.kind})`);
    }
    if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
      throw errors.badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: cannot unmarshal ${typeof obj.metadata} into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`);
    }
    if (!typed) this.checkFields(obj, registry, fieldValidationOf(req.query), warnings);
    return obj;
  }

  /** A component's body that decoding would refuse or prune is PodLab's bug: an internal error that names it, so tests fail on it. */
  private assertTyped(obj: KubeObject, registry: ResourceRegistry, req: ApiRequest): void {
    const { group, version, kind } = registry.def;
    const problems = [this.schema.decodeError(obj, { group, version, kind }), ...duplicateFields(obj).map((f) => `duplicate field "${f}"`), ...this.schema.unknownFields(obj, { group, version, kind }).map((f) => `unknown field "${f}"`)].filter(Boolean);
    if (problems.length > 0) throw new Error(`${req.userAgent ?? req.user.name} wrote a ${kind} its typed client should not have made: ${problems.join('; ')}`);
  }

  /** A delete's options: a body Go could not decode into DeleteOptions is a 400 before anything is deleted. */
  private deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
    if (body !== undefined) {
      const problem = this.schema.decodeError(body, { group: '', version: 'v1', kind: 'DeleteOptions' });
      if (problem) throw errors.badRequest(problem);
    }
    return deleteOptions(query, body);
  }

  /** A body Go could not decode into the kind is a 400, before anything else looks at it. */
  private checkDecodable(obj: unknown, registry: ResourceRegistry): void {
    const { group, version, kind } = registry.def;
    const problem = this.schema.decodeError(obj, { group, version, kind });
    if (problem) throw errors.badRequest(problem);
  }

  private checkFields(obj: KubeObject, registry: ResourceRegistry, mode: FieldValidation, warnings: string[]): void {
    // A key written twice in the body is a strict decoding error too, reported with the unknown ones.
    const duplicates = duplicateFields(obj).map((f) => `duplicate field "${f}"`);
    const report = (unknown: string[]) => {
      const problems = [...duplicates, ...unknown.map((f) => `unknown field "${f}"`)];
      if (problems.length > 0 && mode === 'Strict') throw errors.badRequest(strictDecodingMessage(registry, problems));
      if (mode === 'Warn') warnings.push(...problems);
    };
    const pruneOwn = registry.def.strategy.pruneUnknownFields;
    if (pruneOwn) {
      // The kind prunes by its own schema (custom resources): the same answers, from its structural schema.
      report(pruneOwn(obj));
      return;
    }
    const gvk = { group: registry.def.group, version: registry.def.version, kind: registry.def.kind };
    const unknown = this.schema.unknownFields(obj, gvk);
    report(unknown);
    if (unknown.length > 0) this.schema.prune(obj, gvk);
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml): creates the
   * object when it does not exist (through the create path, admission
   * included), else merges the configuration into it by field ownership
   * (fieldmanager/fieldManager.ts); the apply's managedFields are what gets
   * stored.
   */
  private async apply(req: ApiRequest, registry: ResourceRegistry, ns: string, ctx: WriteContext, warnings: string[]): Promise<{ object: KubeObject; created: boolean }> {
    const { info } = req;
    const manager = req.query.get('fieldManager') ?? '';
    const force = queryBool(req.query, 'force');
    const fieldManager = fieldManagerFor(registry.def, registry.schemaNode(), info.subresource, wallClock);
    fieldManager.checkType(asObject(req.body));
    const applied = this.decodeObject(req, registry, warnings, ctx.journey);
    if (applied.metadata.name !== undefined && applied.metadata.name !== info.name) {
      throw errors.badRequest(`the name of the object (${String(applied.metadata.name)}) does not match the name on the URL (${info.name})`);
    }
    const applyCtx: WriteContext = { ...ctx, manager, applied: true };
    const existing = await registry.get(ns, info.name).catch((err) => {
      if (err instanceof StatusError && err.code === 404 && !info.subresource) return undefined;
      throw err;
    });
    // An apply to an existing pod is no part of its creation: neither its admission nor its outcome is traced.
    if (existing) {
      ctx.journey?.discard();
      delete applyCtx.journey;
    }
    if (!existing) {
      const object = fieldManager.apply(undefined, applied, manager, force);
      object.metadata.name ??= info.name;
      return { object: await registry.create(ns, object, applyCtx), created: true };
    }
    // An apply is never stale unless the configuration names a resourceVersion itself.
    const unconditional = !namedResourceVersion(applied);
    const object = await registry.guaranteedUpdate(
      ns,
      info.name,
      info.subresource,
      applyCtx,
      (current) => {
        const merged = fieldManager.apply(current, applied, manager, force);
        if (unconditional) merged.metadata.resourceVersion = current.metadata.resourceVersion;
        return merged;
      },
      { unconditional },
    );
    return { object, created: false };
  }

  private async patch(req: ApiRequest, registry: ResourceRegistry, ns: string, ctx: WriteContext, warnings: string[]): Promise<unknown> {
    const { info } = req;
    const def = registry.def;
    const contentType = req.contentType ?? '';
    const mode = fieldValidationOf(req.query);
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    if (info.subresource === 'scale') {
      const current = scaleOf(def, await registry.get(ns, info.name));
      const patched = this.schema.applyPatch(contentType, current, req.body, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
      // The Scale read here carries the object's resourceVersion; only one the patch names itself is a precondition.
      if (!namedResourceVersion(req.body) && patched.metadata) delete patched.metadata.resourceVersion;
      return updateScale(registry, ns, info.name, patched, ctx);
    }
    // A patch applies to the object as it is now, so it keeps that object's resourceVersion and a lost race is tried again
    // on the newer one. One it sets itself (a merge patch's metadata, a JSON patch's replace) is a precondition: when it
    // is not the current one, the patched object is stale and the answer 409, as kube-apiserver compares it.
    return registry.guaranteedUpdate(
      ns,
      info.name,
      info.subresource,
      ctx,
      (current) => {
        const patched = this.schema.applyPatch(contentType, current, req.body, gvk);
        if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) throw errors.badRequest('the patch produced something that is not an object');
        this.checkDecodable(patched, registry);
        // Only the patch's own fields can be unknown: the stored object was already pruned.
        warnings.length = 0;
        this.checkFields(patched, registry, mode, warnings);
        return patched;
      },
      { unconditional: true },
    );
  }
}

/** The resourceVersion a patch or an applied configuration names itself: its write is then conditional on it. */
function namedResourceVersion(body: unknown): string | undefined {
  return (body as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
}

function isApplyPatch(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/apply-patch+yaml';
}

/**
 * The field manager of a write: the fieldManager parameter, else the
 * User-Agent's product (`kubectl`, `kube-controller-manager`), as
 * kube-apiserver's managerOrUserAgent takes it.
 */
export function fieldManagerOf(req: ApiRequest): string {
  return managerOrUserAgent(req.query.get('fieldManager'), req.userAgent);
}

/** ValidateCreateOptions, ValidateUpdateOptions and ValidatePatchOptions, for their fieldManager and force. */
function validateWriteOptions(verb: string, req: ApiRequest): void {
  const kind = verb === 'create' ? 'CreateOptions' : verb === 'update' ? 'UpdateOptions' : verb === 'patch' ? 'PatchOptions' : undefined;
  if (!kind) return;
  const problems: FieldError[] = [];
  const manager = req.query.get('fieldManager') ?? '';
  if (verb === 'patch') {
    if (!isApplyPatch(req.contentType)) {
      if (req.query.has('force')) problems.push(forbidden('force', 'may not be specified for non-apply patch'));
    } else if (!manager) {
      // kubectl names itself; controllers that apply must name themselves too.
      problems.push(required('fieldManager', 'is required for apply patch'));
    }
  }
  problems.push(...validateFieldManager(manager, 'fieldManager'));
  if (problems.length > 0) throw errors.invalid(kind, 'meta.k8s.io', '', problems);
}

function strictDecodingMessage(registry: ResourceRegistry, problems: string[]): string {
  const { kind, version } = registry.def;
  return `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`;
}

function asObject(body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.badRequest('the request body must be a JSON or YAML object');
  }
  const obj = body as KubeObject;
  if (obj.metadata === undefined) obj.metadata = {};
  return obj;
}

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get('fieldValidation');
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw errors.badRequest(`fieldValidation parameter unsupported: ${value}. Valid values are: Strict, Warn, Ignore`);
}

/** A get or list of a kind computed in memory (readOnly.ts), label and field selectors applied as for stored kinds. */
async function answerReadOnly(provider: ReadOnlyProvider, registry: ResourceRegistry, verb: string, namespace: string, name: string, query: URLSearchParams): Promise<unknown> {
  const items = (await provider.list(namespace)).map((item) => ({ apiVersion: registry.apiVersion, kind: registry.def.kind, ...item }));
  if (verb === 'get') {
    const found = items.find((item) => item.metadata.name === name);
    if (!found) throw errors.notFound(registry.groupResource, name);
    return found;
  }
  let labels;
  let fields;
  try {
    labels = parseLabelSelector(query.get('labelSelector') ?? '');
    fields = parseFieldSelector(query.get('fieldSelector') ?? '');
  } catch (err) {
    throw errors.badRequest((err as Error).message);
  }
  const selected = items.filter((item) => labelsMatch(labels, item.metadata.labels) && fieldsMatch(fields, { 'metadata.name': item.metadata.name, 'metadata.namespace': item.metadata.namespace }));
  return { kind: `${registry.def.kind}List`, apiVersion: registry.apiVersion, metadata: {}, items: selected.map(({ apiVersion: _a, kind: _k, ...item }) => item) };
}

function listOptions(query: URLSearchParams) {
  return {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
    limit: queryInt(query, 'limit'),
    continue: query.get('continue') ?? undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
  };
}

function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const fromBody = (typeof body === 'object' && body !== null ? body : {}) as DeleteOptions & { kind?: string };
  return {
    gracePeriodSeconds: queryInt(query, 'gracePeriodSeconds') ?? fromBody.gracePeriodSeconds,
    propagationPolicy: query.get('propagationPolicy') ?? fromBody.propagationPolicy,
    preconditions: fromBody.preconditions,
    orphanDependents: queryOptionalBool(query, 'orphanDependents') ?? fromBody.orphanDependents,
  };
}
