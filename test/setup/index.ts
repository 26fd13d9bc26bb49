// `npm run test:setup`: makes this machine ready for every test suite, and
// does nothing when it already is. It needs a Docker engine that answers, the
// tools the suites run (Chromium, etcd), and PodLab's default images built
// locally (no registry is reachable here). As root on Debian/Ubuntu it
// installs and starts what is missing; elsewhere it says what is missing and
// the command that would fix it, and exits non-zero.

import { dockerClient, engineEndpoint } from '../../main/runtime/docker/engine.ts';
import { DOCKERD_LOG, engineIsLocal, probeEngine, startCommand, startEngine } from './engine.ts';
import { SetupError, cannotInstallReason, sudo } from './host.ts';
import { IMAGES, ensureImage, missingNames } from './images.ts';
import { DOCKER_PACKAGE, TEST_TOOLS, findMissing, installCommand, installPackages, type PackageRequirement } from './packages.ts';

const print = (line: string) => console.log(line);

async function setup(): Promise<void> {
  const docker = dockerClient();
  const probe = await probeEngine(docker);
  let version = probe.version;
  if (version) print(`docker: running (${version})`);
  else print(`docker: no answer at ${engineEndpoint()}`);
  if (probe.permissionDenied) {
    throw new SetupError([`permission to use ${engineEndpoint()}`], 'sudo usermod -aG docker "$USER", then log in again (or run the tests as root)');
  }
  if (!version && !engineIsLocal()) {
    throw new SetupError([`a Docker engine at DOCKER_HOST=${process.env.DOCKER_HOST}`], 'start that engine, or unset DOCKER_HOST to use a local one');
  }

  // Without an engine no image can exist yet, so every image's build tools are needed.
  const imagesToBuild = [];
  for (const image of IMAGES) {
    if (!version || (await missingNames(docker, image)).length === image.names.length) imagesToBuild.push(image);
  }
  const requirements: PackageRequirement[] = [...TEST_TOOLS, ...imagesToBuild.flatMap((image) => image.requires)];
  if (!version) requirements.unshift(DOCKER_PACKAGE);
  const missing = await findMissing(requirements, print);

  const reason = cannotInstallReason();
  if (reason && (missing.length > 0 || !version)) {
    const what = missing.map((r) => `${r.label} (Debian package ${r.package})`);
    const fixes = missing.length > 0 ? [installCommand(missing.map((r) => r.package))] : [];
    if (!version) {
      what.unshift(`a running Docker engine at ${engineEndpoint()}`);
      fixes.push(sudo() + startCommand());
    }
    throw new SetupError(what, fixes.join(' && '), `cannot fix it here: ${reason}`);
  }
  await installPackages(missing, print);

  if (!version) {
    version = await startEngine(docker);
    print(`docker: started (${version}), log in ${DOCKERD_LOG}`);
  }
  for (const image of IMAGES) await ensureImage(docker, image, print);
}

try {
  await setup();
} catch (error) {
  if (error instanceof SetupError) {
    console.error(`\nsetup: not ready: ${error.detail ?? ''}`.trimEnd());
    console.error(`  missing: ${error.missing.join('\n           ')}`);
    console.error(`  fix:     ${error.fix}`);
  } else {
    console.error(`\nsetup failed: ${(error as Error).message}`);
  }
  process.exitCode = 1;
}
