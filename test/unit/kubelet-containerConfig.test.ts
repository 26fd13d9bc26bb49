import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerConfig, hashContainer } from '../../main/kubelet/containerConfig.ts';
import { containerResources } from '../../main/kubelet/containerResources.ts';
import { withDefaultTag } from '../../main/kubelet/imageManager.ts';
import { authForImage, registryHost } from '../../main/kubelet/pullSecrets.ts';
import { podDns, sandboxConfig } from '../../main/kubelet/sandboxConfig.ts';
import { runAsNonRootViolation, runtimeSecurityContext } from '../../main/kubelet/securityContext.ts';
import type { Container, Pod } from '../../main/kubelet/types.ts';

function pod(container: Container, extra: Partial<Pod['spec']> = {}): Pod {
  return { metadata: { name: 'web', namespace: 'shop', uid: 'u1', labels: { app: 'web' } }, spec: { containers: [container], ...extra } };
}

describe('runAsNonRoot', () => {
  const c: Container = { name: 'app', image: 'busybox', securityContext: { runAsNonRoot: true } };
  it('refuses an image that runs as root, with the kubelet message', () => {
    assert.equal(runAsNonRootViolation(pod(c), c, undefined), 'container has runAsNonRoot and image will run as root (pod: "web_shop(u1)", container: app)');
    assert.equal(runAsNonRootViolation(pod(c), c, '0:0'), 'container has runAsNonRoot and image will run as root (pod: "web_shop(u1)", container: app)');
  });
  it('cannot verify a named user', () => {
    assert.equal(
      runAsNonRootViolation(pod(c), c, 'nobody'),
      'container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "web_shop(u1)", container: app)',
    );
  });
  it('accepts a numeric non-root user from the image or the pod, and refuses runAsUser 0', () => {
    assert.equal(runAsNonRootViolation(pod(c), c, '1000'), undefined);
    const podLevel = pod({ name: 'app', image: 'busybox' }, { securityContext: { runAsNonRoot: true, runAsUser: 1000 } });
    assert.equal(runAsNonRootViolation(podLevel, podLevel.spec.containers[0]!, undefined), undefined);
    const zero: Container = { ...c, securityContext: { runAsNonRoot: true, runAsUser: 0 } };
    assert.equal(runAsNonRootViolation(pod(zero), zero, '1000'), `container's runAsUser breaks non-root policy (pod: "web_shop(u1)", container: app)`);
  });
  it('takes the container settings over the pod ones', () => {
    const c2: Container = { name: 'app', image: 'busybox', securityContext: { runAsUser: 7, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } };
    assert.deepEqual(runtimeSecurityContext(pod(c2, { securityContext: { runAsUser: 1, runAsGroup: 2 } }), c2), {
      runAsUser: 7,
      runAsGroup: 2,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});

describe('container resources', () => {
  const node = { allocatable: { cpu: '4', memory: '8Gi' }, podPidsLimit: 4096, engineCpuMillis: 2000 };
  it('turns limits and requests into what Docker enforces', () => {
    const c: Container = { name: 'a', image: 'x', resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } } };
    assert.deepEqual(containerResources(c, node), { cpuLimitMillis: 500, cpuRequestMillis: 250, memoryLimitBytes: 128 * 1024 * 1024, pidsLimit: 4096 });
  });
  it("holds a container without limits to its node's allocatable, within the engine's CPUs", () => {
    assert.deepEqual(containerResources({ name: 'a', image: 'x' }, node), { cpuLimitMillis: 2000, memoryLimitBytes: 8 * 1024 ** 3, pidsLimit: 4096 });
  });
});

describe('container config', () => {
  it('expands command and args, passes env, mounts, labels and the spec hash', () => {
    const c: Container = { name: 'app', image: 'busybox:1.36', command: ['sh', '-c'], args: ['echo $(GREETING)'], workingDir: '/work' };
    const config = containerConfig(pod(c), c, 2, new Map([['GREETING', 'hi']]), [], { allocatable: {} });
    assert.deepEqual(config.command, ['sh', '-c']);
    assert.deepEqual(config.args, ['echo hi']);
    assert.deepEqual(config.env, [{ name: 'GREETING', value: 'hi' }]);
    assert.deepEqual(config.metadata, { name: 'app', attempt: 2 });
    assert.equal(config.workingDir, '/work');
    assert.equal(config.annotations?.['io.kubernetes.container.hash'], hashContainer(c));
    assert.notEqual(hashContainer(c), hashContainer({ ...c, image: 'busybox:1.37' }));
    assert.equal(hashContainer({ image: 'busybox:1.36', name: 'app', workingDir: '/work', args: ['echo $(GREETING)'], command: ['sh', '-c'] }), hashContainer(c));
  });
});

describe('sandbox config', () => {
  it('names the pod, its hostname and namespaces, and publishes declared and hook ports', () => {
    const c: Container = {
      name: 'app',
      image: 'x',
      ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }],
      lifecycle: { preStop: { httpGet: { port: 'http', path: '/stop' } }, postStart: { httpGet: { port: 9000 } } },
    };
    const config = sandboxConfig(pod(c, { shareProcessNamespace: true }), 1, { clusterDNS: [], clusterDomain: 'cluster.local' });
    assert.deepEqual(config.metadata, { name: 'web', namespace: 'shop', uid: 'u1', attempt: 1 });
    assert.equal(config.hostname, 'web');
    assert.deepEqual(config.namespaces, { network: 'pod', pid: 'pod', ipc: 'pod' });
    assert.deepEqual(config.portMappings, [
      { containerPort: 8080, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP', hostPort: 5353 },
      { containerPort: 9000, protocol: 'TCP' },
    ]);
    assert.equal(config.dns, undefined, 'no cluster DNS yet: the engine resolver');
  });
  it("joins the node's namespaces for hostNetwork, hostPID and hostIPC, publishing nothing", () => {
    const config = sandboxConfig(pod({ name: 'a', image: 'x', ports: [{ containerPort: 80 }] }, { hostNetwork: true, hostPID: true, hostIPC: true }), 0, { clusterDNS: [], clusterDomain: 'cluster.local' });
    assert.deepEqual(config.namespaces, { network: 'node', pid: 'node', ipc: 'node' });
    assert.equal(config.portMappings, undefined);
  });
  it('builds resolv.conf for ClusterFirst once the cluster has DNS, and honors dnsPolicy None', () => {
    const dns = { clusterDNS: ['10.244.128.10'], clusterDomain: 'cluster.local' };
    assert.deepEqual(podDns(pod({ name: 'a', image: 'x' }), dns), {
      servers: ['10.244.128.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
    const none = pod({ name: 'a', image: 'x' }, { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] } });
    assert.deepEqual(podDns(none, dns), { servers: ['1.1.1.1'], searches: [], options: ['ndots:2'] });
  });
});

describe('images', () => {
  it('adds the latest tag only when the image names no tag or digest', () => {
    assert.equal(withDefaultTag('busybox'), 'busybox:latest');
    assert.equal(withDefaultTag('busybox:1.36'), 'busybox:1.36');
    assert.equal(withDefaultTag('localhost:5000/app'), 'localhost:5000/app:latest');
    assert.equal(withDefaultTag('app@sha256:abc'), 'app@sha256:abc');
  });
  it('finds the pull secret of the image registry', () => {
    assert.equal(registryHost('busybox'), 'docker.io');
    assert.equal(registryHost('registry.k8s.io/pause:3.10'), 'registry.k8s.io');
    const secret = Buffer.from(JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('me:pw').toString('base64') }, 'registry.example.com': { username: 'u', password: 'p' } } }));
    assert.deepEqual(authForImage('busybox', [secret]), { serverAddress: 'https://index.docker.io/v1/', username: 'me', password: 'pw' });
    assert.deepEqual(authForImage('registry.example.com/team/app:1', [secret]), { serverAddress: 'registry.example.com', username: 'u', password: 'p' });
    assert.equal(authForImage('quay.io/x/y', [secret]), undefined);
  });
});
