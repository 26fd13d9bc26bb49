// A real, single-member etcd (Debian's etcd-server) for tests: loopback only, free
// ports, a throwaway data directory.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ETCD_BINARY = '/usr/bin/etcd';
const START_LIMIT_MS = 30_000;

export interface EtcdServer {
  /** `127.0.0.1:PORT`, as EtcdStore and `--store etcd://` take it. */
  readonly endpoint: string;
  /** Stops and starts the same member on the same data and ports, as an outage would. */
  restart(): Promise<void>;
  /** Stops the member without starting it again (see `start`). */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops etcd and deletes its data. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${clientUrl}/health`);
    return response.ok && ((await response.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startEtcd(): Promise<EtcdServer> {
  if (!existsSync(ETCD_BINARY)) {
    throw new Error(`${ETCD_BINARY} is missing: install Debian's etcd-server package (apt-get install etcd-server) to run the etcd store tests`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'podlab-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    output = '';
    const member = spawn(
      ETCD_BINARY,
      [
        '--name', 'podlab-test',
        '--data-dir', join(dataDir, 'member'),
        '--listen-client-urls', clientUrl,
        '--advertise-client-urls', clientUrl,
        '--listen-peer-urls', peerUrl,
        '--initial-advertise-peer-urls', peerUrl,
        '--initial-cluster', `podlab-test=${peerUrl}`,
        '--initial-cluster-state', 'new',
        '--logger', 'zap',
        '--log-level', 'error',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = member;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8192);
    };
    member.stdout!.on('data', keep);
    member.stderr!.on('data', keep);
    const deadline = Date.now() + START_LIMIT_MS;
    while (!(await healthy(clientUrl))) {
      if (member.exitCode !== null || member.signalCode !== null) {
        throw new Error(`etcd exited (${member.exitCode ?? member.signalCode}) before becoming healthy:\n${output}`);
      }
      if (Date.now() > deadline) {
        await kill();
        throw new Error(`etcd did not become healthy at ${clientUrl} within ${START_LIMIT_MS} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function kill(): Promise<void> {
    const member = child;
    child = undefined;
    if (!member) return;
    member.kill('SIGTERM');
    const forced = setTimeout(() => member.kill('SIGKILL'), 10_000);
    await exited(member);
    clearTimeout(forced);
  }

  try {
    await start();
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    endpoint: `127.0.0.1:${clientPort}`,
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
