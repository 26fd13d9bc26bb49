// What the API server gets from the schema: typed decoding, patches,
// unknown-field checks and the OpenAPI documents, behind the interfaces the
// dispatcher and the HTTP front declare. Patch errors become the Status
// errors the front sends.

import type { SchemaServices } from '../dispatcher.ts';
import { errors, StatusError } from '../errors.ts';
import type { OpenApiDocuments } from '../http/server.ts';
import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { applyPatch, patchContentTypes } from '../patch/applyPatch.ts';
import { PatchError } from '../patch/patchError.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { OpenAPIDocuments, notModified, openAPIV2ProtobufType, type ServedDocument } from './documents.ts';
import { findUnknownFields, pruneUnknownFields } from './fieldValidation.ts';
import type { Definitions, GroupVersionKind } from './schema.ts';
import { SchemaLookup } from './schemaLookup.ts';
import { bodyDecodeError, goSprint, jsonDecodeError, nestingDepthError, unstructuredDecodeError } from './typedDecode.ts';
import { invalid } from '../validation/fieldErrors.ts';

export interface OpenApiDocumentServer extends OpenApiDocuments {
  /**
   * The document at `path` (`/openapi/v2`, `/openapi/v3`, `/openapi/v3/apis/apps/v1`; no query string).
   * Pass the request's Accept header so that /openapi/v2 is answered in protobuf to client-go,
   * which asks only for that; send the returned `contentType`. `notModified` says whether
   * If-None-Match matched (answer 304 with the ETag).
   */
  document(path: string, accept?: string, ifNoneMatch?: string): (ServedDocument & { notModified: boolean }) | undefined;
  readonly documents: OpenAPIDocuments;
}

export interface PodLabSchemaServices extends SchemaServices {
  /** The built-in definitions plus the custom ones set last. */
  readonly lookup: SchemaLookup;
  openapi(resources: ResourceDefinition[]): OpenApiDocumentServer;
  /** The definitions of custom resources (CRD versions), served and used from now on next to the built-in ones. */
  setCustomDefinitions(definitions: Definitions): void;
}

export function createSchemaServices(given?: SchemaLookup): PodLabSchemaServices {
  // The built-in schema (a megabyte of JSON) is read on first use, not before the API server listens:
  // a restarted cluster's first requests (discovery, reads) do without it.
  let builtIn = given;
  let custom: SchemaLookup | undefined;
  const base = () => (builtIn ??= SchemaLookup.kubernetes());
  const lookupNow = () => custom ?? base();
  return {
    get lookup() {
      return lookupNow();
    },
    setCustomDefinitions(definitions: Definitions) {
      custom = Object.keys(definitions).length === 0 ? undefined : new SchemaLookup({ ...base().definitions, ...definitions });
    },
    applyPatch(contentType: string, current: KubeObject, patch: unknown, gvk: GroupVersionKind): KubeObject {
      // A decoded body may be nested deeper than the patch code can recurse; Go's decoder refuses it first.
      const tooDeep = typeof patch === 'object' && !(patch instanceof Uint8Array) ? nestingDepthError(patch) : undefined;
      if (tooDeep) throw errors.badRequest(tooDeep);
      let patched: KubeObject;
      try {
        patched = applyPatch(contentType, current, patch, lookupNow(), gvk);
      } catch (err) {
        if (err instanceof PatchError) throw toStatusError(err);
        throw err;
      }
      // Only built-in kinds have Go types; custom resources decode as unstructured.
      const undecodable = patchedDecodeError(contentType, patch, patched, gvk, base());
      if (undecodable) throw undecodable;
      return patched;
    },
    unknownFields: (obj, gvk) => findUnknownFields(obj, gvk, lookupNow()),
    prune: (obj, gvk) => {
      pruneUnknownFields(obj, gvk, lookupNow());
    },
    decodeError: (obj, gvk) => bodyDecodeError(obj, gvk, base()),
    openapi(resources) {
      const documents = new OpenAPIDocuments(resources, lookupNow());
      return {
        documents,
        document(path: string, accept?: string, ifNoneMatch?: string) {
          const doc = find(documents, path, accept);
          return doc && { ...doc, notModified: notModified(doc, ifNoneMatch) };
        },
      };
    },
  };
}

function find(documents: OpenAPIDocuments, path: string, accept: string | undefined): ServedDocument | undefined {
  const clean = path.replace(/\/+$/, '');
  if (clean === '/openapi/v2') return wantsProtobuf(accept) ? documents.v2Protobuf() : documents.v2();
  if (clean === '/openapi/v3') return documents.v3Root();
  if (clean.startsWith('/openapi/v3/')) return documents.v3(clean.slice('/openapi/v3/'.length));
  return undefined;
}

/** The first of JSON or gnostic protobuf that the Accept header lists; JSON when it names neither (or is absent). */
function wantsProtobuf(accept: string | undefined): boolean {
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0].trim();
    if (type === openAPIV2ProtobufType || type === 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf') return true;
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return false;
  }
  return false;
}

/**
 * The patched object must decode into the kind's Go type, as kube-apiserver's
 * patchers decode it: JSON and merge patches through the JSON decoder, a
 * strategic merge patch through the unstructured converter. Either failure is
 * 422 Invalid on the field `patch`, whose value is the patched JSON or the
 * patch as Go prints a map.
 */
function patchedDecodeError(contentType: string, patch: unknown, patched: KubeObject, gvk: GroupVersionKind, lookup: SchemaLookup): StatusError | undefined {
  const type = contentType.split(';')[0].trim().toLowerCase();
  let error: FieldError | undefined;
  if (type === patchContentTypes.strategic) {
    const message = unstructuredDecodeError(patched, gvk, lookup);
    if (message) error = invalid('patch', goSprint(parsed(patch)), message);
  } else if (type === patchContentTypes.json || type === patchContentTypes.merge) {
    const message = jsonDecodeError(patched, gvk, lookup);
    if (message) error = invalid('patch', JSON.stringify(patched), message);
  }
  if (!error) return undefined;
  const status = errors.invalid('', '', '', [error]);
  // kube-apiserver's Status leaves out the empty kind and name.
  delete status.status.details?.kind;
  delete status.status.details?.name;
  return status;
}

function parsed(patch: unknown): unknown {
  if (typeof patch !== 'string' && !(patch instanceof Uint8Array)) return patch;
  return JSON.parse(typeof patch === 'string' ? patch : Buffer.from(patch).toString('utf8'));
}

function toStatusError(err: PatchError): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: err.reason, code: err.code });
}
