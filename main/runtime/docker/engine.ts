// The connection to the Docker engine and the translation of its failures
// into the runtime's typed errors. DOCKER_HOST is honored the way the docker
// CLI honors it (docker-modem reads it); otherwise the local socket.

import type Docker from 'dockerode';
import { dockerode } from './dockerodeModule.ts';
import { ConflictError, EngineUnavailableError, NotFoundError, RuntimeError } from '../runtime.ts';

let shared: { dockerHost: string | undefined; client: Docker } | undefined;

/**
 * The client for DOCKER_HOST or the local socket, one per endpoint: without
 * DOCKER_HOST, docker-modem looks for Docker Desktop's socket with an
 * fs.access before a client's first request, and a start made a new client
 * for each of its steps, so a new cluster's node containers waited for that
 * callback until the API server had started (~30 ms). A changed DOCKER_HOST
 * (the UI's Docker endpoint setting) gets a new client.
 */
export function dockerClient(): Docker {
  const dockerHost = process.env.DOCKER_HOST;
  if (!shared || shared.dockerHost !== dockerHost) shared = { dockerHost, client: new (dockerode())() };
  return shared.client;
}

/** Where the client talks to, for messages: `unix:///var/run/docker.sock` or DOCKER_HOST. */
export function engineEndpoint(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** Errors docker-modem raises: HTTP ones carry the status and Docker's JSON body. */
interface DockerHttpError extends Error {
  statusCode?: number;
  json?: { message?: string } | null;
  code?: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOTFOUND']);

export function isEngineUnreachable(error: unknown): boolean {
  const code = (error as DockerHttpError | undefined)?.code;
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

export function httpStatus(error: unknown): number | undefined {
  return (error as DockerHttpError | undefined)?.statusCode;
}

/** Docker's own message, without docker-modem's "(HTTP code 404) no such container - " prefix. */
export function dockerMessage(error: unknown): string {
  const e = error as DockerHttpError;
  if (e?.json && typeof e.json === 'object' && typeof e.json.message === 'string') return e.json.message;
  const message = e?.message ?? String(error);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** Translates an engine failure; `what` names the operation for the message. */
export function toRuntimeError(error: unknown, what: string): Error {
  if (error instanceof RuntimeError) return error;
  if (isEngineUnreachable(error)) {
    return new EngineUnavailableError(
      `${what}: the Docker engine at ${engineEndpoint()} does not answer (${(error as Error).message}). ` +
        'Start Docker (on Debian/Ubuntu as root: `npm run test:setup`), or set DOCKER_HOST.',
      { cause: error },
    );
  }
  const status = httpStatus(error);
  const message = `${what}: ${dockerMessage(error)}`;
  if (status === 404) return new NotFoundError(message, { cause: error });
  if (status === 409) return new ConflictError(message, { cause: error });
  return new RuntimeError(message, { cause: error });
}

/** Runs an engine call, translating its failure. */
export async function engineCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toRuntimeError(error, what);
  }
}

/** Runs an engine call for which "not there" and "already done" are success (idempotent stop/remove). */
export async function engineCallIdempotent(what: string, call: () => Promise<unknown>, okStatuses: number[] = [304, 404]): Promise<void> {
  try {
    await call();
  } catch (error) {
    const status = httpStatus(error);
    if (status !== undefined && okStatuses.includes(status)) return;
    throw toRuntimeError(error, what);
  }
}
