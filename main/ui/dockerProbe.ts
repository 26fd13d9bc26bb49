// Whether the Docker engine answers, for the status bar and the desktop's
// "Docker is not running" screen.

import type { ClusterStatus } from '../../preload/api.ts';
import { dockerClient, engineEndpoint } from '../runtime/docker/engine.ts';
import { pingEngine } from '../runtime/docker/engineVersion.ts';

export async function probeDocker(timeoutMs = 3000): Promise<ClusterStatus['docker']> {
  const endpoint = engineEndpoint();
  try {
    const version = await pingEngine(dockerClient(), timeoutMs);
    return { state: 'running', endpoint, version };
  } catch (err) {
    return { state: 'unreachable', endpoint, message: `${(err as Error).message}. Start Docker (Docker Desktop, or \`sudo systemctl start docker\`), or use the simulated runtime.` };
  }
}
