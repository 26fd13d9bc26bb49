// The port a probe names, as probe.ResolveContainerPort: a number, or the
// name of one of the container's ports; a name that matches none is tried as
// a number, which is why a misspelt name fails with strconv's message.

import type { Container } from '../types.ts';

export type PortResolution = { port: number } | { error: string };

export function resolveContainerPort(param: number | string | undefined, container: Container): PortResolution {
  let port: number;
  if (typeof param === 'number') {
    port = param;
  } else if (typeof param === 'string') {
    const named = container.ports?.find((p) => p.name === param);
    if (named) port = named.containerPort;
    else if (/^[+-]?\d+$/.test(param)) port = Number(param);
    else return { error: `strconv.Atoi: parsing ${JSON.stringify(param)}: invalid syntax` };
  } else {
    return { error: `intOrString had no kind: ${JSON.stringify(param)}` };
  }
  if (Number.isInteger(port) && port > 0 && port < 65536) return { port };
  return { error: `invalid port number: ${port}` };
}
