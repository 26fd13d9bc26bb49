// A program that stops because a file it needs is missing says so in its
// last lines: `fatal: config file /etc/app/config.yaml not found`, `open
// /etc/app/settings.json: no such file or directory`. A file a person
// provides is what a ConfigMap mounted at its directory gives a container:
// the fix creates one with that file's key (placeholder content to edit)
// and mounts it there.

import type { Fix } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { PodView } from './podView.ts';

const missingWords = /not found|no such file|does not exist|doesn't exist|is missing|missing|cannot open|can't open|cannot read|can't read|unable to (?:open|read)/i;
const absolutePath = /(?:^|[\s'"`(:=])(\/(?:[\w.@-]+\/)+[\w.@-]+)/g;
/** Directories of the image's own system, where a mounted ConfigMap would hide what the program runs on. */
const systemDirs = /^\/(?:bin|sbin|lib\w*|usr|proc|sys|dev|run|var\/run|var\/lib|tmp)(?:\/|$)/;

export interface MissingFile {
  path: string;
  directory: string;
  file: string;
  line: string;
}

/** The last line that names a missing file by its absolute path, and that path. */
export function missingFile(lines: string[]): MissingFile | undefined {
  for (const line of [...lines].reverse()) {
    if (!missingWords.test(line)) continue;
    for (const match of line.matchAll(absolutePath)) {
      const path = match[1]!.replace(/[.:,;]+$/, '');
      const slash = path.lastIndexOf('/');
      const directory = path.slice(0, slash);
      const file = path.slice(slash + 1);
      if (!directory || systemDirs.test(path) || !/^[-._a-zA-Z0-9]+$/.test(file)) continue;
      return { path, directory, file, line };
    }
  }
  return undefined;
}

type Json = Record<string, unknown>;
const asList = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** Create ConfigMap `<workload>-config` with the file's key and mount it at the file's directory; none when something is mounted there already. */
export function missingFileFix(pod: PodView, container: string, missing: MissingFile, configMapName: string, configMaps: KubeObject[] = []): Fix | undefined {
  const spec = pod.spec as Json | undefined;
  const mounts = asList(asList(spec?.containers).find((c) => c.name === container)?.volumeMounts);
  if (mounts.some((m) => m.mountPath === missing.directory || missing.path.startsWith(`${String(m.mountPath).replace(/\/$/, '')}/`))) return undefined;
  if (configMaps.some((c) => c.metadata.name === configMapName)) return undefined;
  const volumes = new Set(asList(spec?.volumes).map((v) => v.name));
  const volume = ['config', 'config-file', `${configMapName}`].find((name) => !volumes.has(name));
  if (!volume) return undefined;
  const namespace = pod.metadata.namespace ?? 'default';
  const content = `# Placeholder made by PodLab's debugger for ${missing.path}: replace it with the real contents.\n`;
  return {
    title: `Create ConfigMap ${configMapName} with ${missing.file} and mount it at ${missing.directory}`,
    explanation: `The program stops because ${missing.path} is missing. A ConfigMap with the key ${missing.file}, mounted at ${missing.directory}, puts that file there. Its content is a placeholder: edit ${missing.file} in ConfigMap ${configMapName} (kubectl edit configmap ${configMapName} -n ${namespace}) to what the program expects; the mounted file follows within a minute. The mount hides whatever the image had in ${missing.directory}.`,
    changes: [
      { action: 'create', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: configMapName, namespace }, data: { [missing.file]: content } } as KubeObject },
      { action: 'podSpec', patch: { volumes: [{ name: volume, configMap: { name: configMapName } }], containers: [{ name: container, volumeMounts: [{ name: volume, mountPath: missing.directory }] }] } },
    ],
  };
}
