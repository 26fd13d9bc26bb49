// A Docker client of the real engine that records the paths it asks for
// (without the query), so a test can tell which engine requests a part of
// PodLab made: a client of its own, so nothing is shared with other tests.

import Docker from 'dockerode';

export function recordingDocker(options?: Docker.DockerOptions): { docker: Docker; asked: string[] } {
  const docker = new Docker(options);
  const asked: string[] = [];
  const modem = docker.modem as unknown as { dial(options: { path: string }, callback: unknown): unknown };
  const dial = modem.dial.bind(modem);
  modem.dial = (request, callback) => {
    asked.push(request.path.replace(/\?.*$/, ''));
    return dial(request, callback);
  };
  return { docker, asked };
}
