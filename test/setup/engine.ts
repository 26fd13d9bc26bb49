// A Docker engine that answers: the one at DOCKER_HOST or the local socket.
// When none answers here, the setup starts Debian's dockerd itself, detached,
// so it keeps running after the setup exits (CI machines have no systemd).

import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { engineEndpoint } from '../../main/runtime/docker/engine.ts';
import { pingEngine } from '../../main/runtime/docker/engineVersion.ts';
import { DOCKER_PACKAGE } from './packages.ts';
import { runOrThrow } from './shell.ts';

export const DOCKERD_LOG = '/tmp/podlab-dockerd.log';
const START_TIMEOUT_MS = 60_000;

export interface EngineProbe {
  /** Set when the engine answers. */
  version?: string;
  /** The socket exists but this user may not use it: starting another engine would not help. */
  permissionDenied?: boolean;
}

export async function probeEngine(docker: Docker): Promise<EngineProbe> {
  try {
    return { version: await pingEngine(docker) };
  } catch (error) {
    const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
    return { permissionDenied: cause?.code === 'EACCES' };
  }
}

/** Only the local default socket is ours to start; a DOCKER_HOST elsewhere is someone else's engine. */
export function engineIsLocal(): boolean {
  const host = process.env.DOCKER_HOST;
  return !host || host === 'unix:///var/run/docker.sock' || host === 'unix:///run/docker.sock';
}

export function startCommand(): string {
  return existsSync('/run/systemd/system') ? 'systemctl start docker' : `nohup ${DOCKER_PACKAGE.path} > ${DOCKERD_LOG} 2>&1 &`;
}

/** Starts dockerd and waits until it answers; returns its version. */
export async function startEngine(docker: Docker): Promise<string> {
  let exited: string | undefined;
  if (existsSync('/run/systemd/system')) {
    await runOrThrow('systemctl', ['start', 'docker']);
  } else {
    const log = openSync(DOCKERD_LOG, 'a');
    const child = spawn(DOCKER_PACKAGE.path, [], { detached: true, stdio: ['ignore', log, log] });
    child.on('exit', (code, signal) => (exited = `dockerd exited (${signal ?? `code ${code}`})`));
    // Detached and unreferenced: the setup may exit while dockerd runs on.
    child.unref();
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && exited === undefined) {
    const { version } = await probeEngine(docker);
    if (version) return version;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const reason = exited ?? `it did not answer at ${engineEndpoint()} within ${START_TIMEOUT_MS / 1000} s`;
  throw new Error(`starting dockerd failed: ${reason}. Its log, ${DOCKERD_LOG}, ends with:\n${logTail()}`);
}

function logTail(): string {
  try {
    return readFileSync(DOCKERD_LOG, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
