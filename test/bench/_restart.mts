import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { rawRequest, targetFromKubeconfig } from '../helpers/apiClient.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { repoRoot, tempDir, removeDir } from '../helpers/podlabProcess.ts';
const runs = Number(process.argv[2] ?? 5);
const cluster = `rs-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('rs');
writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
function serve(extra: string[] = []) {
  const child = spawn(process.execPath, ['--max-semi-space-size=16', ...extra, join(repoRoot, 'bin', 'podlab.cjs'), 'serve', '--name', cluster, '--runtime', 'docker', '--nodes', '2', '--data-dir', dataDir, '--cluster-dns-only'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PODLAB_STARTUP_TIMING: '1', PODLAB_HOME: join(dataDir, 'podlab-home'), KUBECONFIG: join(dataDir, 'user-kubeconfig') } });
  let out = ''; child.stdout!.on('data', (c) => (out += c)); child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise((r) => child.once('exit', r));
  return { child, out: () => out, exited };
}
async function until(path: string, accept: (b: any) => boolean) {
  for (;;) { const kc = join(dataDir, 'kubeconfig'); if (existsSync(kc)) { try { const r = await rawRequest(targetFromKubeconfig(kc), 'GET', path); if (r.status === 200 && accept(r.json())) return; } catch {} } await new Promise((r) => setTimeout(r, 5)); }
}
try {
  let s = serve();
  await until('/api/v1/nodes', (l) => l.items.filter((n: any) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length >= 2);
  await new Promise((r) => setTimeout(r, 1000));
  s.child.kill('SIGTERM'); await s.exited;
  const extra = process.env.EXTRA ? process.env.EXTRA.split(' ') : [];
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now(); s = serve(extra); await until('/api', () => true); times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, i === runs - 1 ? 3000 : 300));
    if (i === runs - 1) console.log(s.out());
    s.child.kill('SIGTERM'); await s.exited;
  }
  console.log(times.map((t) => t.toFixed(0)).join(' '), 'sorted', [...times].sort((a, b) => a - b).map((t) => t.toFixed(0)).join(' '));
} finally { await removeClusterObjects(cluster); removeDir(dataDir); }
