// The OpenAPI documents the API server serves, built once per set of served
// resources and kept as ready-to-send bodies with their hash and ETag.
//
// Serving (what kube-apiserver's kube-openapi handlers do, and what the API
// server should do with these):
// - `GET /openapi/v2` → `v2()`, `Content-Type: application/json`. kubectl's
//   discovery client asks for `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
//   only; `v2Protobuf()` answers that, with `Content-Type: application/octet-stream`
//   as kube-openapi sends it (client-go's mime parser rejects the `@` of the
//   requested type when it comes back as a Content-Type). A client
//   that accepts JSON (or `*/*`) gets JSON. Serving JSON to a protobuf-only
//   request would make client-go fail to unmarshal it; answer 406 when neither
//   is acceptable.
// - `GET /openapi/v3` → `v3Root()`; `GET /openapi/v3/<key>` (key `api/v1`,
//   `apis/apps/v1`) → `v3(key)`, 404 when undefined. When the request's `hash`
//   query parameter equals the document's hash, add
//   `Cache-Control: public, immutable` (and an Expires a year ahead); when it
//   differs, kube-apiserver redirects (301) to the current `?hash=` URL.
// - Send `ETag: <etag>` and answer 304 when If-None-Match matches (`notModified`).

import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { buildOpenAPIV2 } from './openapiV2.ts';
import { encodeOpenAPIV2Protobuf } from './openapiV2Protobuf.ts';
import { buildOpenAPIV3, buildOpenAPIV3Root } from './openapiV3.ts';
import { resourceOperations, type GroupVersionPaths } from './operations.ts';
import { SchemaLookup } from './schemaLookup.ts';

export const openAPIV2ProtobufType = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

export interface ServedDocument {
  body: Buffer;
  contentType: string;
  /** Upper-case hex SHA-512 of the body, as kube-openapi computes it (also the `hash` of v3 URLs). */
  hash: string;
  /** The ETag header value (quoted hash). */
  etag: string;
}

export class OpenAPIDocuments {
  private groupVersionsCache: GroupVersionPaths[] | undefined;
  private v2Cache: ServedDocument | undefined;
  private v2ProtobufCache: ServedDocument | undefined;
  private v3Cache: Map<string, ServedDocument> | undefined;
  private v3RootCache: ServedDocument | undefined;

  constructor(
    private readonly resources: ResourceDefinition[],
    readonly lookup: SchemaLookup = SchemaLookup.kubernetes(),
  ) {}

  /** `/openapi/v2` as JSON. */
  v2(): ServedDocument {
    this.v2Cache ??= served(Buffer.from(JSON.stringify(this.v2Object())), 'application/json');
    return this.v2Cache;
  }

  /** `/openapi/v2` as the gnostic protobuf that client-go's discovery client asks for. */
  v2Protobuf(): ServedDocument {
    this.v2ProtobufCache ??= served(encodeOpenAPIV2Protobuf(this.v2Object()), 'application/octet-stream');
    return this.v2ProtobufCache;
  }

  /** `/openapi/v3`: the list of group-version documents with their hashed URLs. */
  v3Root(): ServedDocument {
    this.v3RootCache ??= served(
      Buffer.from(JSON.stringify(buildOpenAPIV3Root([...this.v3Documents()].map(([key, doc]) => ({ key, hash: doc.hash }))))),
      'application/json',
    );
    return this.v3RootCache;
  }

  /** `/openapi/v3/<key>` for key `api/v1` or `apis/<group>/<version>`; undefined when PodLab serves no such group-version. */
  v3(key: string): ServedDocument | undefined {
    return this.v3Documents().get(key.replace(/^\/+|\/+$/g, ''));
  }

  private groupVersions(): GroupVersionPaths[] {
    this.groupVersionsCache ??= resourceOperations(this.resources, this.lookup);
    return this.groupVersionsCache;
  }

  private v2Object(): object {
    return buildOpenAPIV2(this.groupVersions(), this.lookup.definitions);
  }

  private v3Documents(): Map<string, ServedDocument> {
    this.v3Cache ??= new Map(
      this.groupVersions().map((gv) => [gv.key, served(Buffer.from(JSON.stringify(buildOpenAPIV3(gv, this.lookup.definitions))), 'application/json')]),
    );
    return this.v3Cache;
  }
}

/** Whether an If-None-Match header matches the document, so the answer is 304 Not Modified. */
export function notModified(document: ServedDocument, ifNoneMatch: string | undefined): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === document.etag;
  });
}

function served(body: Buffer, contentType: string): ServedDocument {
  const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
  return { body, contentType, hash, etag: `"${hash}"` };
}
