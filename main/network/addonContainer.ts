// The cluster add-on's container, `podlab-<cluster>_addon` (the underscore
// keeps it apart from node containers, whose names are DNS names): the
// Node.js image on the cluster network with NET_ADMIN (to hold ClusterIPs),
// its program and configuration written in through Docker's archive API, and
// its tunnel port published on a 127.0.0.1 ephemeral port. A running add-on
// of the same program is adopted; another version is replaced.

import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { ADDON_APPLIED_FILE, ADDON_CONFIG_FILE, ADDON_DIR, ADDON_PROGRAM_FILE, ADDON_TUNNEL_PORT, ADDON_TUNNEL_TOKEN_ENV, type AddonConfig } from '../addon/config.ts';
import { CONTAINER_LOG_CONFIG } from '../runtime/docker/defaults.ts';
import { engineCall, engineCallIdempotent, httpStatus, toRuntimeError } from '../runtime/docker/engine.ts';
import { ensureImagePresent } from '../runtime/docker/images.ts';
import { LABEL_CLUSTER, NotFoundError } from '../runtime/runtime.ts';
import { ADDON_IMAGE } from './addonImage.ts';
import { addonProgram } from './addonProgram.ts';
import { clusterNetworkName } from './clusterNetwork.ts';
import { firstFile, packTar } from './tarArchive.ts';

const LABEL_ROLE = 'podlab.role';
const ROLE_ADDON = 'addon';
const LABEL_PROGRAM = 'podlab.addon.program';
const TUNNEL_KEY = `${ADDON_TUNNEL_PORT}/tcp`;
const DIR = ADDON_DIR.replace(/^\//, '');

export interface AddonOptions {
  cluster: string;
  /** Default: the add-on image (`node:22-alpine`), pulled when missing. */
  image?: string;
  /** Added to PodLab's own labels. */
  labels?: Record<string, string>;
}

export interface AddonContainer {
  id: string;
  name: string;
  running: boolean;
  /** Its own address on the cluster network. */
  ip?: string;
  /** Where its tunnel is published on the host (127.0.0.1). */
  tunnelPort?: number;
  tunnelToken: string;
}

export function addonContainerName(cluster: string): string {
  return `podlab-${cluster}_addon`;
}

/** Creates (or adopts) and starts the add-on; returns it running. */
export async function ensureAddonContainer(docker: Docker, options: AddonOptions): Promise<AddonContainer> {
  const program = await addonProgram();
  const image = options.image ?? ADDON_IMAGE;
  const existing = await inspectAddonContainer(docker, options.cluster);
  if (existing && existing.program === program.hash && existing.image === image) {
    if (!existing.container.running) await engineCall(`start ${existing.container.name}`, () => docker.getContainer(existing.container.id).start());
    return running(docker, options.cluster);
  }
  if (existing) await removeAddonContainer(docker, options.cluster);

  await ensureImagePresent(docker, image);
  const name = addonContainerName(options.cluster);
  const created = await engineCall(`create ${name}`, () =>
    docker.createContainer({
      name,
      Image: image,
      Hostname: 'podlab-addon',
      Cmd: ['node', `${ADDON_DIR}/${ADDON_PROGRAM_FILE}`],
      Env: [`${ADDON_TUNNEL_TOKEN_ENV}=${randomBytes(24).toString('base64url')}`],
      Labels: { ...options.labels, [LABEL_CLUSTER]: options.cluster, [LABEL_ROLE]: ROLE_ADDON, [LABEL_PROGRAM]: program.hash },
      ExposedPorts: { [TUNNEL_KEY]: {} },
      HostConfig: {
        NetworkMode: clusterNetworkName(options.cluster),
        CapAdd: ['NET_ADMIN'],
        PortBindings: { [TUNNEL_KEY]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
        // It outlives PodLab's process (pods keep resolving names while it is away); a crash restarts it.
        RestartPolicy: { Name: 'on-failure' },
        LogConfig: CONTAINER_LOG_CONFIG,
      },
    }),
  );
  try {
    await engineCall(`copy the program into ${name}`, () =>
      created.putArchive(packTar([{ name: `${DIR}/` }, { name: `${DIR}/${ADDON_PROGRAM_FILE}`, data: program.code }]), { path: '/' }),
    );
    await engineCall(`start ${name}`, () => created.start());
  } catch (error) {
    await removeAddonContainer(docker, options.cluster).catch(() => undefined);
    throw error;
  }
  return running(docker, options.cluster);
}

async function running(docker: Docker, cluster: string): Promise<AddonContainer> {
  const found = await inspectAddonContainer(docker, cluster);
  if (!found) throw new NotFoundError(`${addonContainerName(cluster)} vanished right after it was started`);
  return found.container;
}

/** Writes the configuration the add-on applies (it watches the file). */
export async function writeAddonConfig(docker: Docker, containerId: string, config: AddonConfig): Promise<void> {
  const archive = packTar([{ name: `${DIR}/${ADDON_CONFIG_FILE}`, data: Buffer.from(JSON.stringify(config)) }]);
  await engineCall('write the add-on configuration', () => docker.getContainer(containerId).putArchive(archive, { path: '/' }));
}

/** The configuration generation the add-on last applied; undefined before the first. */
export async function appliedGeneration(docker: Docker, containerId: string): Promise<number | undefined> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.getContainer(containerId).getArchive({ path: `${ADDON_DIR}/${ADDON_APPLIED_FILE}` });
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw toRuntimeError(error, 'read the add-on status');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  const text = firstFile(Buffer.concat(chunks))?.toString('utf8').trim();
  return text ? Number(text) : undefined;
}

export async function findAddonContainer(docker: Docker, cluster: string): Promise<AddonContainer | undefined> {
  return (await inspectAddonContainer(docker, cluster))?.container;
}

async function inspectAddonContainer(docker: Docker, cluster: string): Promise<{ container: AddonContainer; program?: string; image: string } | undefined> {
  const name = addonContainerName(cluster);
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw toRuntimeError(error, `inspect ${name}`);
  }
  const labels = info.Config.Labels ?? {};
  // A same-named container of someone else is not ours to adopt or remove.
  if (labels[LABEL_CLUSTER] !== cluster || labels[LABEL_ROLE] !== ROLE_ADDON) {
    throw new NotFoundError(`container ${name} exists but is not PodLab's add-on for cluster ${cluster}`);
  }
  const token = (info.Config.Env ?? []).find((entry) => entry.startsWith(`${ADDON_TUNNEL_TOKEN_ENV}=`))?.slice(ADDON_TUNNEL_TOKEN_ENV.length + 1) ?? '';
  const container: AddonContainer = { id: info.Id, name, running: info.State.Running, tunnelToken: token };
  const ip = info.NetworkSettings.Networks?.[clusterNetworkName(cluster)]?.IPAddress;
  if (ip) container.ip = ip;
  const published = info.NetworkSettings.Ports?.[TUNNEL_KEY]?.find((binding) => binding.HostIp === '127.0.0.1');
  if (published) container.tunnelPort = Number(published.HostPort);
  return { container, program: labels[LABEL_PROGRAM], image: info.Config.Image };
}

/** Idempotent; for deleting a cluster (stopping one leaves the add-on running). */
export async function removeAddonContainer(docker: Docker, cluster: string): Promise<void> {
  const found = await inspectAddonContainer(docker, cluster);
  if (!found) return;
  await engineCallIdempotent(`remove ${found.container.name}`, () => docker.getContainer(found.container.id).remove({ force: true }), [404]);
}
