// `podlab kubeconfig`: prints the kubeconfig of a cluster that has run at
// least once. With `--user NAME [--group G]...` it prints one for that user
// instead, authenticating with a short-lived client certificate the cluster's
// CA signs (as `kubeadm kubeconfig user` does), so a learner can try RBAC as
// someone else: the user has no rights until a RoleBinding grants some.

import { existsSync, readFileSync } from 'node:fs';
import { clusterPaths } from '../cluster/dataDir.ts';
import { buildCertificateKubeconfig, clusterOfKubeconfig, kubeconfigYaml } from '../cluster/kubeconfig.ts';
import { issueClientCertificate } from '../cluster/pki.ts';
import { CliError, clusterFlags, existingClusterLocation, parseFlags } from './args.ts';

const maxValidityMs = 365 * 24 * 3600_000;

/** A Go-style duration of hours, minutes and seconds: `24h`, `90m`, `1h30m`. */
export function parseValidity(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  const ms = match && text ? (Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0)) * 1000 : NaN;
  if (!(ms > 0) || ms > maxValidityMs) throw new CliError(`--validity must be a duration such as 24h, 90m or 1h30m, at most 8760h (got "${text}")`);
  return ms;
}

export async function runKubeconfig(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { ...clusterFlags, user: { type: 'string' }, group: { type: 'string', multiple: true }, validity: { type: 'string' } });
  const { name, dataDir } = existingClusterLocation(values);
  const path = clusterPaths(dataDir).kubeconfig;
  if (!existsSync(path)) throw new CliError(`cluster "${name}" has no kubeconfig yet (${path}): start it with \`podlab serve --name ${name}\``);
  if (values.user === undefined) {
    if (values.group || values.validity) throw new CliError('--group and --validity go with --user NAME');
    process.stdout.write(readFileSync(path, 'utf8'));
    return 0;
  }
  if (!values.user.trim()) throw new CliError('--user needs a name');
  const validityMs = parseValidity(values.validity ?? '24h');
  const { certPem, keyPem } = issueClientCertificate(dataDir, { user: values.user, groups: values.group ?? [], validityMs });
  const cluster = clusterOfKubeconfig(path);
  process.stdout.write(kubeconfigYaml(buildCertificateKubeconfig({ clusterName: name, ...cluster }, { name: values.user, certPem, keyPem })));
  return 0;
}
