// The sample gallery: workloads that show a healthy pod and each classic way
// a pod gets stuck, described by resources/samples/index.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleInfo } from '../../preload/api.ts';
import { BridgeFailure } from './bridgeError.ts';

interface SampleEntry extends SampleInfo {
  file: string;
}

export class SampleLibrary {
  constructor(private readonly dir: string) {}

  private entries(): SampleEntry[] {
    return JSON.parse(readFileSync(join(this.dir, 'index.json'), 'utf8')) as SampleEntry[];
  }

  list(): SampleInfo[] {
    return this.entries().map(({ file: _file, ...info }) => info);
  }

  yaml(id: string): string {
    return readFileSync(join(this.dir, this.entry(id).file), 'utf8');
  }

  /** The YAML to apply to the cluster shown; `foreign`: a kubeconfig context, where a sample that needs PodLab's own components would show nothing of what it describes. */
  yamlToApply(id: string, foreign: boolean): string {
    const entry = this.entry(id);
    if (foreign && entry.podlabOnly) throw new BridgeFailure(`the sample "${entry.title}" needs a PodLab cluster: ${entry.podlabOnly}`);
    return this.yaml(id);
  }

  private entry(id: string): SampleEntry {
    const entry = this.entries().find((e) => e.id === id);
    if (!entry) throw new BridgeFailure(`there is no sample "${id}": pick one from the gallery`);
    return entry;
  }
}
