// Content negotiation kubectl relies on: `kubectl get` asks for server-side
// tables (`application/json;as=Table;v=v1;g=meta.k8s.io`); everything else is
// JSON (PodLab does not speak protobuf, and clients fall back to JSON).

export interface TableRequest {
  includeObject: 'None' | 'Metadata' | 'Object';
}

export function tableRequested(accept: string | undefined, query: URLSearchParams): TableRequest | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (params[0] !== 'application/json') continue;
    const values = new Map(params.slice(1).map((p) => p.split('=') as [string, string]));
    if (values.get('as') === 'Table' && values.get('g') === 'meta.k8s.io' && (values.get('v') === 'v1' || values.get('v') === 'v1beta1')) {
      const include = query.get('includeObject');
      return { includeObject: include === 'None' || include === 'Object' ? include : 'Metadata' };
    }
    // The first acceptable JSON entry wins: a client that prefers plain JSON gets it.
    if (!values.has('as')) return undefined;
  }
  return undefined;
}
