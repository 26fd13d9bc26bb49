// What a node reports about its machine and the capacity it offers by
// default. On Docker that is the engine's machine (the Docker Desktop VM on
// macOS and Windows): its CPUs, memory, kernel and OS. The simulated runtime
// reports the host.

import { createHash } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import type Docker from 'dockerode';
import type { MachineInfo } from '../../kubelet/kubelet.ts';
import { canonicalQuantity } from '../../kube/quantity.ts';
import type { CapacityChoice } from './nodeLabels.ts';

export interface EngineFacts {
  cpus: number;
  memoryBytes: number;
  kernelVersion: string;
  osImage: string;
  operatingSystem: string;
  architecture: string;
}

const ARCHITECTURES: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'arm', ppc64le: 'ppc64le', s390x: 's390x' };

export async function dockerEngineFacts(docker: Docker): Promise<EngineFacts> {
  const info = (await docker.info()) as { NCPU: number; MemTotal: number; KernelVersion: string; OperatingSystem: string; OSType: string; Architecture: string };
  return {
    cpus: info.NCPU,
    memoryBytes: info.MemTotal,
    kernelVersion: info.KernelVersion,
    osImage: info.OperatingSystem,
    operatingSystem: info.OSType || 'linux',
    architecture: ARCHITECTURES[info.Architecture] ?? info.Architecture,
  };
}

export function hostFacts(): EngineFacts {
  return {
    cpus: cpus().length,
    memoryBytes: totalmem(),
    kernelVersion: release(),
    osImage: osType(),
    operatingSystem: 'linux',
    architecture: ARCHITECTURES[process.arch === 'x64' ? 'x86_64' : process.arch] ?? process.arch,
  };
}

function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 32);
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function machineInfo(facts: EngineFacts, cluster: string, node: string, bootID: string): MachineInfo {
  const id = stableId(cluster, node);
  return {
    machineID: id,
    systemUUID: uuidFrom(id),
    bootID: uuidFrom(stableId(bootID)),
    kernelVersion: facts.kernelVersion,
    osImage: facts.osImage,
    operatingSystem: facts.operatingSystem,
    architecture: facts.architecture,
  };
}

/** The node's capacity: the user's choice where made, else the engine's CPUs and memory (in Ki, as kubelets report it) and 110 pods. */
export function nodeCapacity(facts: EngineFacts, choice: CapacityChoice, dataDir: string): Record<string, string> {
  const capacity: Record<string, string> = {
    cpu: choice.cpu ? canonicalQuantity(choice.cpu) : String(facts.cpus),
    'ephemeral-storage': ephemeralStorage(dataDir),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: choice.memory ? canonicalQuantity(choice.memory) : `${Math.floor(facts.memoryBytes / 1024)}Ki`,
    pods: String(choice.pods ?? 110),
  };
  return capacity;
}

function ephemeralStorage(dir: string): string {
  try {
    const stats = statfsSync(dir);
    return `${Math.floor((stats.blocks * stats.bsize) / 1024)}Ki`;
  } catch {
    return '0';
  }
}
