// A write admission refused, as the debugger's admission rules read it,
// however PodLab learned of it: from the API server's memory (PodLab's own:
// who asked, the structured cause) or from a controller's FailedCreate event
// (any cluster: only the message, which is parsed here in the words PodLab's
// admission and kube-apiserver use).

import type { AdmissionDenial, WebhookFailureProblem, WebhookSource } from '../apiserver/admission/admissionDenials.ts';
import type { FailedClause } from '../apiserver/admission/cel/failedClauses.ts';
import type { CheckedPod } from '../apiserver/admission/podSecurity/checkedFields.ts';
import type { FailedCheck } from '../apiserver/admission/podSecurity/checkRegistry.ts';
import type { PodSpec } from '../kube/types/core-v1.ts';
import type { ObjectMeta } from '../kube/types/meta-v1.ts';

export type WebhookCause =
  | ({ stage: 'webhook'; webhook: string; outcome: 'denied' } & Partial<WebhookSource>)
  | ({
      stage: 'webhook';
      webhook: string;
      outcome: 'call-failed';
      problem: WebhookFailureProblem;
      failurePolicy?: string;
      timeoutSeconds?: number;
      clientConfig?: { url?: string; service?: { namespace: string; name: string; port: number; path?: string } };
    } & Partial<WebhookSource>);

export interface PodSecurityCause {
  stage: 'podSecurity';
  level: string;
  version: string;
  /** What follows `violates PodSecurity "level:version": ` in the message. */
  detail: string;
  checks?: FailedCheck[];
  pod?: CheckedPod;
}

export interface PolicyCause {
  stage: 'validatingAdmissionPolicy';
  policy: string;
  binding: string;
  message: string;
  expression?: string;
  reason?: string;
  params?: { apiVersion: string; kind: string; namespace?: string; name: string };
  clauses?: FailedClause[];
}

export type RefusalCause = WebhookCause | PodSecurityCause | PolicyCause | { stage: 'other' };

/** What a person edits to fix a refusal: the object itself, or the workload whose template made it. */
export interface EditTarget {
  kind: string;
  /** As kubectl names the resource: `pod`, `deployment`, `cronjob`. */
  resource: string;
  namespace: string;
  name: string;
  /** Where the pod spec sits in it (`spec`, `spec.template.spec`), for objects that run pods. */
  podSpecPath?: string[];
}

export interface Refusal {
  source: 'api-server' | 'event';
  /** The refusal's message as the API answered it. */
  message: string;
  /** The admission plugin that refused, as kube-apiserver names it ('' when the message does not say). */
  plugin: string;
  cause: RefusalCause;
  operation: string;
  object: { group: string; version?: string; kind: string; resource: string; namespace: string; name: string; generateName?: string };
  user?: string;
  owner?: { kind: string; name: string; uid?: string };
  dryRun: boolean;
  count: number;
  firstAt?: string;
  lastAt?: string;
  target: EditTarget;
  /** The pod template the refused pod was made from (a workload's), when the memory did not keep the pod. */
  template?: { metadata: ObjectMeta; spec: PodSpec };
}

const webhookPlugins: Record<string, string> = { MutatingWebhookConfiguration: 'MutatingAdmissionWebhook', ValidatingWebhookConfiguration: 'ValidatingAdmissionWebhook' };

/** The plugin that refused, named after the configuration kind once it is known. */
export function webhookPlugin(configurationKind: string | undefined): string {
  return (configurationKind && webhookPlugins[configurationKind]) || 'AdmissionWebhook';
}

/** How a failed call's cause reads in Go's words (webhookCall.ts), back to its class. */
export function webhookCallProblem(text: string): WebhookFailureProblem {
  const classes: Array<[RegExp, WebhookFailureProblem]> = [
    [/^failed to evaluate match conditions/, 'match-conditions'],
    [/^received invalid webhook response/, 'invalid-response'],
    [/: service "[^"]+" not found$/, 'service-not-found'],
    [/: unsupported service type "[^"]*"$/, 'unsupported-service-type'],
    [/: no service port \d+ found for service "[^"]+"$/, 'no-service-port'],
    [/: endpoints "[^"]+" not found$/, 'endpoints-not-found'],
    [/: no endpoints available for service "[^"]+"$/, 'no-ready-endpoints'],
    [/: connect: connection refused$/, 'connection-refused'],
    [/: connect: (no route to host|network is unreachable)$/, 'unreachable'],
    [/: no such host$/, 'no-such-host'],
    [/: connection reset by peer$/, 'connection-reset'],
    [/x509: certificate signed by unknown authority/, 'tls-unknown-authority'],
    [/x509: certificate is valid for .*, not /, 'tls-name-mismatch'],
    [/x509: certificate has expired or is not yet valid/, 'tls-expired'],
    [/: context deadline exceeded$/, 'timeout'],
    [/^failed to call webhook: (?!Post ")/, 'http-error'],
  ];
  return classes.find(([pattern]) => pattern.test(text))?.[1] ?? 'other';
}

/** The URL a failed call was POSTed to, as the message shows it (without the timeout parameter). */
export function webhookCallUrl(message: string): string | undefined {
  return /failed to call webhook: Post "([^"?]+)(?:\?[^"]*)?"/.exec(message)?.[1];
}

/** The stage and its cause, read from a refusal's message. */
export function parseRefusalMessage(message: string): { plugin: string; cause: RefusalCause } {
  const denied = /admission webhook "([^"]+)" denied the request/.exec(message);
  if (denied) return { plugin: 'AdmissionWebhook', cause: { stage: 'webhook', webhook: denied[1]!, outcome: 'denied' } };
  const failed = /failed calling webhook "([^"]+)": ([\s\S]*)$/.exec(message);
  if (failed) {
    const url = webhookCallUrl(message);
    return { plugin: 'AdmissionWebhook', cause: { stage: 'webhook', webhook: failed[1]!, outcome: 'call-failed', problem: webhookCallProblem(failed[2]!), ...(url ? { clientConfig: { url } } : {}) } };
  }
  const podSecurity = /violates PodSecurity "([a-z]+):([^"]+)": ([\s\S]*)$/.exec(message);
  if (podSecurity) return { plugin: 'PodSecurity', cause: { stage: 'podSecurity', level: podSecurity[1]!, version: podSecurity[2]!, detail: podSecurity[3]! } };
  const policy = /ValidatingAdmissionPolicy '([^']+)' with binding '([^']+)' denied request: ([\s\S]*)$/.exec(message);
  if (policy) return { plugin: 'ValidatingAdmissionPolicy', cause: { stage: 'validatingAdmissionPolicy', policy: policy[1]!, binding: policy[2]!, message: policy[3]! } };
  const plugins: Array<[RegExp, string]> = [
    [/: exceeded quota: |: failed quota: /, 'ResourceQuota'],
    [/: (maximum|minimum) (cpu|memory|ephemeral-storage|storage) usage per (Container|Pod|PersistentVolumeClaim)|: must specify (limits|requests)\./, 'LimitRanger'],
    [/because it is being terminated|^namespaces "[^"]+" not found$/, 'NamespaceLifecycle'],
  ];
  return { plugin: plugins.find(([pattern]) => pattern.test(message))?.[1] ?? '', cause: { stage: 'other' } };
}

const kubectlResources: Record<string, string> = { Pod: 'pod', Deployment: 'deployment', ReplicaSet: 'replicaset', StatefulSet: 'statefulset', DaemonSet: 'daemonset', Job: 'job', CronJob: 'cronjob' };

/** kubectl's name for a kind's resource (`deployment`), or the plural the API uses. */
export function kubectlResource(kind: string, plural = ''): string {
  return kubectlResources[kind] ?? (plural || kind.toLowerCase());
}

/** Where each kind that runs pods keeps its pod spec. */
export function podSpecPathOf(kind: string): string[] | undefined {
  if (kind === 'Pod') return ['spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'].includes(kind)) return ['spec', 'template', 'spec'];
  return undefined;
}

export function editTarget(kind: string, plural: string, namespace: string, name: string): EditTarget {
  const podSpecPath = podSpecPathOf(kind);
  return { kind, resource: kubectlResource(kind, plural), namespace, name, ...(podSpecPath ? { podSpecPath } : {}) };
}

/** A refusal the API server remembers: the object as refused, fixed where it was written. */
export function refusalFromDenial(d: AdmissionDenial, target?: EditTarget): Refusal {
  const cause: RefusalCause = d.cause ? (d.cause.stage === 'podSecurity' ? { ...d.cause, detail: parseDetail(d.message) } : d.cause) : parseRefusalMessage(d.message).cause;
  return {
    source: 'api-server',
    message: d.message,
    plugin: d.plugin,
    cause,
    operation: d.operation,
    object: { group: d.group, version: d.version, kind: d.kind, resource: d.resource, namespace: d.namespace, name: d.name, ...(d.generateName ? { generateName: d.generateName } : {}) },
    user: d.user,
    ...(d.owner ? { owner: { kind: d.owner.kind, name: d.owner.name, uid: d.owner.uid } } : {}),
    dryRun: d.dryRun,
    count: d.count,
    firstAt: d.firstAt,
    lastAt: d.lastAt,
    target: target ?? editTarget(d.kind, d.resource, d.namespace, d.name),
  };
}

function parseDetail(message: string): string {
  return /violates PodSecurity "[^"]+": ([\s\S]*)$/.exec(message)?.[1] ?? '';
}

/** A controller's FailedCreate message, without the controller's own words around the API's. */
export function failedCreateError(message: string): string {
  return message
    .replace(/^\(combined from similar events\): /, '')
    .replace(/^Error creating(?: job)?: /, '')
    .replace(/^create (?:Pod|Claim) \S+(?: for Pod \S+)? in StatefulSet \S+ failed error: /, '');
}

/** The object a FailedCreate refusal names (`pods "web-0" is forbidden: ...`), when its message names one. */
export function refusedObjectName(error: string): { resource: string; name: string } | undefined {
  const match = /^([a-z0-9.-]+) "([^"]*)" is forbidden: /.exec(error);
  return match ? { resource: match[1]!, name: match[2]! } : undefined;
}
