// Problems that belong to objects other than pods, read from their status,
// their events and the pods they select, as `kubectl describe` would show
// them: a Service with no ready endpoint (and why), a failed Job, a CronJob
// missing its schedules, DaemonSet pods that cannot land, a claim that stays
// Pending, an Ingress whose backend Service does not exist.

import type { Finding, Fix, Problem } from '../../preload/api.ts';
import { restrictedPatch } from './podSecurityFix.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { EventView, PodView } from './podView.ts';

// Objects of several kinds, read defensively (every field may be missing).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = KubeObject & Record<string, any>;

export interface ObjectProblemInput {
  /** ReplicaSets, StatefulSets, DaemonSets and Jobs: the controllers that create pods, for their FailedCreate events. */
  podCreators: KubeObject[];
  /** The Deployments above ReplicaSets, by uid. */
  deployments: Map<string, KubeObject>;
  services: KubeObject[];
  pods: PodView[];
  jobs: KubeObject[];
  cronJobs: KubeObject[];
  daemonSets: KubeObject[];
  claims: KubeObject[];
  ingresses: KubeObject[];
  /** Events by the uid of the object they are about. */
  eventsByUid: Map<string, EventView[]>;
}

function problem(object: KubeObject, finding: Omit<Finding, 'next'> & { next?: Finding['next'] }, pod?: string): Problem {
  const namespace = object.metadata.namespace ?? '';
  return { subject: { kind: object.kind ?? '', namespace, name: object.metadata.name ?? '', ...(pod && { pod }) }, finding: { next: [], ...finding } };
}

const describe = (kind: string, object: KubeObject) => ({ what: `See it as kubectl describes it`, command: `kubectl describe ${kind} ${object.metadata.name} -n ${object.metadata.namespace}` });

function isReady(pod: PodView): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

function serviceProblems(input: ObjectProblemInput): Problem[] {
  const problems: Problem[] = [];
  for (const service of input.services as Json[]) {
    const selector: Record<string, string> | undefined = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || service.spec?.type === 'ExternalName') continue;
    const namespace = service.metadata.namespace;
    const selected = input.pods.filter((p) => p.metadata.namespace === namespace && !p.metadata.deletionTimestamp && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
    const ready = selected.filter(isReady);
    const selectorText = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
    const next = [describe('service', service), { what: 'See its endpoints', command: `kubectl get endpointslices -n ${namespace} -l kubernetes.io/service-name=${service.metadata.name}` }];
    if (selected.length === 0) {
      problems.push(
        problem(service, {
          rule: 'service-no-pods',
          severity: 'warning',
          title: `Service ${service.metadata.name} selects no pod`,
          cause: `Its selector ${selectorText} matches no pod in namespace ${namespace}, so it has no endpoints and connections to it fail. Check the selector against the pods' labels (a typo, or the pods live in another namespace).`,
          evidence: [{ label: 'Selector', text: selectorText }],
          next: [...next, { what: 'Compare with the pods\' labels', command: `kubectl get pods -n ${namespace} --show-labels` }],
        }),
      );
      continue;
    }
    // A named targetPort must be a container port name on the pods; a number is used as it is.
    const missingNames = ((service.spec?.ports ?? []) as Json[])
      .map((p) => p.targetPort)
      .filter((t): t is string => typeof t === 'string')
      .filter((name) => !selected.some((p) => (p.spec?.containers ?? []).some((c) => (c.ports ?? []).some((cp) => cp.name === name))));
    if (missingNames.length) {
      problems.push(
        problem(
          service,
          {
            rule: 'service-target-port',
            severity: 'warning',
            title: `Service ${service.metadata.name}: targetPort ${missingNames.map((n) => `"${n}"`).join(', ')} is not a port of its pods`,
            cause: `A named targetPort must match a containerPort name on the selected pods; none of the ${selected.length} pod(s) declares ${missingNames.join(', ')}, so the Service has no endpoint for that port.`,
            evidence: [{ label: 'Pods', text: selected.map((p) => p.metadata.name).join(', ') }],
            next,
          },
          selected[0]!.metadata.name,
        ),
      );
    }
    if (ready.length === 0) {
      problems.push(
        problem(
          service,
          {
            rule: 'service-not-ready',
            severity: 'warning',
            title: `Service ${service.metadata.name} has no ready endpoint`,
            cause: `${selected.length} pod(s) match its selector but none is Ready, so the Service sends traffic nowhere. Open a pod's Debug to see why it is not Ready.`,
            evidence: [{ label: 'Pods', text: selected.map((p) => `${p.metadata.name} (${p.status?.phase ?? 'Pending'})`).join(', ') }],
            next,
          },
          selected[0]!.metadata.name,
        ),
      );
    }
  }
  return problems;
}

function jobProblems(input: ObjectProblemInput): Problem[] {
  return (input.jobs as Json[]).flatMap((job) => {
    const failed = (job.status?.conditions ?? []).find((c: Json) => c.type === 'Failed' && c.status === 'True');
    if (!failed) return [];
    return [
      problem(job, {
        rule: 'job-failed',
        severity: 'error',
        title: `Job ${job.metadata.name} failed (${failed.reason})`,
        cause: `${failed.message ?? failed.reason}. Its pods' logs say why each attempt failed; a Job does not run again once Failed (create a new one after fixing it).`,
        evidence: [{ label: 'Condition Failed', text: `${failed.reason}: ${failed.message ?? ''}` }],
        next: [describe('job', job), { what: 'Read the last attempt\'s log', command: `kubectl logs job/${job.metadata.name} -n ${job.metadata.namespace}` }],
      }),
    ];
  });
}

function eventProblems(objects: KubeObject[], kind: string, reasons: string[], rule: string, title: (o: KubeObject, e: EventView) => string, input: ObjectProblemInput): Problem[] {
  return objects.flatMap((object) => {
    const event = (input.eventsByUid.get(object.metadata.uid ?? '') ?? []).filter((e) => reasons.includes(e.reason ?? '')).sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))[0];
    if (!event) return [];
    return [problem(object, { rule, severity: 'warning', title: title(object, event), cause: event.message ?? '', evidence: [{ label: `Event ${event.reason}${event.count && event.count > 1 ? ` (x${event.count})` : ''}`, text: event.message ?? '' }], next: [describe(kind, object)] })];
  });
}

function daemonSetProblems(input: ObjectProblemInput): Problem[] {
  return (input.daemonSets as Json[]).flatMap((ds) => {
    const desired = ds.status?.desiredNumberScheduled ?? 0;
    const misscheduled = ds.status?.numberMisscheduled ?? 0;
    const failedEvents = (input.eventsByUid.get(ds.metadata.uid ?? '') ?? []).filter((e) => e.reason === 'FailedDaemonPod' || e.reason === 'FailedCreate');
    if (!failedEvents.length && !misscheduled) return [];
    const event = failedEvents[0];
    return [
      problem(ds, {
        rule: 'daemonset-pods',
        severity: 'warning',
        title: `DaemonSet ${ds.metadata.name}: ${ds.status?.numberAvailable ?? 0} of ${desired} daemon pods available`,
        cause: event ? (event.message ?? '') : `${misscheduled} pod(s) run on nodes they should not.`,
        evidence: event ? [{ label: `Event ${event.reason}`, text: event.message ?? '' }] : [],
        next: [describe('daemonset', ds)],
      }),
    ];
  });
}

function claimProblems(input: ObjectProblemInput): Problem[] {
  return (input.claims as Json[]).flatMap((claim) => {
    if (claim.status?.phase !== 'Pending') return [];
    const events = input.eventsByUid.get(claim.metadata.uid ?? '') ?? [];
    const failed = events.find((e) => e.reason === 'ProvisioningFailed' || e.reason === 'FailedBinding');
    const waiting = events.find((e) => e.reason === 'WaitForFirstConsumer');
    if (!failed && waiting) return [];
    return [
      problem(claim, {
        rule: 'claim-pending',
        severity: failed ? 'error' : 'warning',
        title: `PersistentVolumeClaim ${claim.metadata.name} is Pending`,
        cause: failed?.message ?? 'No volume is bound to it yet, and no event says why: check its storageClassName against kubectl get storageclass.',
        evidence: failed ? [{ label: `Event ${failed.reason}`, text: failed.message ?? '' }] : [],
        next: [describe('pvc', claim), { what: 'See the classes this cluster has', command: 'kubectl get storageclass' }],
      }),
    ];
  });
}

function ingressProblems(input: ObjectProblemInput): Problem[] {
  const services = new Set(input.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`));
  return (input.ingresses as Json[]).flatMap((ingress) => {
    const namespace = ingress.metadata.namespace;
    const backends: string[] = [
      ingress.spec?.defaultBackend?.service?.name,
      ...((ingress.spec?.rules ?? []) as Json[]).flatMap((r) => ((r.http?.paths ?? []) as Json[]).map((p) => p.backend?.service?.name)),
    ].filter((n): n is string => typeof n === 'string');
    const missing = [...new Set(backends.filter((name) => !services.has(`${namespace}/${name}`)))];
    if (!missing.length) return [];
    return [
      problem(ingress, {
        rule: 'ingress-backend',
        severity: 'error',
        title: `Ingress ${ingress.metadata.name}: Service ${missing.map((m) => `"${m}"`).join(', ')} not found`,
        cause: `Requests routed to ${missing.join(', ')} get 503 Service Unavailable: no such Service in namespace ${namespace}. Create it, or point the rule at an existing Service.`,
        evidence: [{ label: 'Backends', text: backends.join(', ') }],
        next: [describe('ingress', ingress), { what: 'List the Services there', command: `kubectl get services -n ${namespace}` }],
      }),
    ];
  });
}

/**
 * Which admission webhook or policy refused, and why, from the refusal's
 * words (kube-apiserver's): a webhook that denied, one that cannot be
 * reached (no ready endpoints, nothing listening, a certificate the caBundle
 * does not verify, a timeout), or a ValidatingAdmissionPolicy.
 */
export function admissionRefusal(message: string): string | undefined {
  const denied = /admission webhook "([^"]+)" denied the request:?\s*(.*)$/s.exec(message);
  if (denied) return `The admission webhook ${denied[1]} refuses the pod: ${denied[2] || 'it gave no reason'}. Change the pod template to satisfy it, or ask whoever runs the webhook.`;
  const failed = /failed calling webhook "([^"]+)": (.*)$/s.exec(message);
  if (failed) {
    const [, webhook, detail] = failed;
    const service = /no endpoints available for service "([^"]+)"/.exec(detail ?? '')?.[1];
    const cause = service
      ? `its Service ${service} has no ready endpoint (the webhook's pods are scaled to 0, not Ready, or the Service selects none)`
      : /x509|certificate/i.test(detail ?? '')
        ? "its server's certificate is not one the configuration's caBundle verifies, or not for the Service's name"
        : /connection refused/i.test(detail ?? '')
          ? 'nothing listens on the port the Service sends it to'
          : /timeout|deadline exceeded/i.test(detail ?? '')
            ? 'it did not answer within timeoutSeconds'
            : `the call failed (${detail})`;
    return `The admission webhook ${webhook} cannot be reached: ${cause}. Its failurePolicy is Fail, so the API server refuses every pod it matches. Bring the webhook back (kubectl get mutatingwebhookconfigurations,validatingwebhookconfigurations, then its Service and pods), or set failurePolicy: Ignore if pods may go in unchecked.`;
  }
  const policy = /ValidatingAdmissionPolicy '([^']+)' with binding '([^']+)' denied request: (.*)$/s.exec(message);
  if (policy) return `The ValidatingAdmissionPolicy ${policy[1]} (binding ${policy[2]}) refuses the pod: ${policy[3]}. Change the template so the expression holds, or the policy or its binding.`;
  return undefined;
}

/** Changes that let the controller create its pods: fewer replicas within a quota, or a template that passes Pod Security. */
function failedCreateFixes(message: string, subject: Json, created: unknown): Fix[] {
  const fixes: Fix[] = [];
  if (/exceeded quota/.test(message) && typeof created === 'number' && created > 0 && typeof subject.spec?.replicas === 'number' && subject.spec.replicas > created) {
    fixes.push({
      title: `Scale ${subject.kind} ${subject.metadata.name} to ${created}, what the quota lets it run`,
      explanation: `The quota is full at ${created} pod(s); asking for ${subject.spec.replicas} only keeps the controller failing. Raise the quota instead (kubectl edit resourcequota) if the namespace should run more.`,
      changes: [{ action: 'ownerPatch', patch: { spec: { replicas: created } } }],
    });
  }
  const template = subject.kind === 'CronJob' ? subject.spec?.jobTemplate?.spec?.template : subject.spec?.template;
  if (/violates PodSecurity/.test(message) && template?.spec) {
    const { patch, remaining } = restrictedPatch({ metadata: { ...(template.metadata ?? {}), name: subject.metadata.name }, spec: template.spec } as PodView);
    if (patch && !remaining) {
      fixes.push({
        title: `Give ${subject.kind} ${subject.metadata.name}'s pods the securityContext that passes restricted`,
        explanation: 'Runs as a non-root user (1000 where the template names none) with the RuntimeDefault seccomp profile, no privilege escalation and no capabilities; the controller then creates its pods. A program that needs root fails then, and its pods show why.',
        changes: [{ action: 'podSpec', patch }],
      });
    }
  }
  return fixes;
}

/**
 * A controller whose pod creates are refused (a quota, Pod Security, a
 * webhook, a policy): no pod exists to debug, only its FailedCreate events
 * say why. Reported on the object a person edits (the Deployment over a
 * ReplicaSet).
 */
function failedCreateProblems(input: ObjectProblemInput): Problem[] {
  return input.podCreators.flatMap((creator) => {
    const event = (input.eventsByUid.get(creator.metadata.uid ?? '') ?? []).filter((e) => e.reason === 'FailedCreate').sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))[0];
    if (!event) return [];
    // A controller that has since created its pods (status.replicas caught up) no longer fails.
    const status = (creator as Json).status ?? {};
    const wanted = (creator as Json).spec?.replicas;
    if (typeof wanted === 'number' && typeof status.replicas === 'number' && status.replicas >= wanted) return [];
    const above = creator.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Deployment');
    const subject = (above && input.deployments.get(above.uid)) || creator;
    const message = event.message ?? '';
    const why = admissionRefusal(message) ?? (/exceeded quota/.test(message)
      ? 'A ResourceQuota in the namespace refuses it: lower the replicas or the requests, or raise the quota.'
      : /violates PodSecurity/.test(message)
        ? "The namespace's Pod Security level refuses the pod template: set the securityContext it names (Problems shows the template's advice once a pod exists; the pod-security-restricted sample shows the passing settings)."
        : /admission webhook|failed calling webhook/.test(message)
          ? 'An admission webhook refuses it, or cannot be reached: see the webhook configuration and its Service.'
          : /ValidatingAdmissionPolicy/.test(message)
            ? 'A ValidatingAdmissionPolicy refuses it: its message says which rule.'
            : 'The API server refuses the pods the controller creates.');
    const fixes = failedCreateFixes(message, subject, status.replicas);
    return [
      problem(subject, {
        ...(fixes.length > 0 && { fixes }),
        rule: 'failed-create',
        severity: 'error',
        title: `${subject.kind} ${subject.metadata.name} cannot create its pods`,
        cause: `${why} The controller keeps retrying.`,
        evidence: [{ label: `Event FailedCreate on ${creator.kind} ${creator.metadata.name}${event.count && event.count > 1 ? ` (x${event.count})` : ''}`, text: message }],
        next: [{ what: 'See the refusals', command: `kubectl describe ${creator.kind?.toLowerCase()} ${creator.metadata.name} -n ${creator.metadata.namespace}` }],
      }),
    ];
  });
}

export function objectProblems(input: ObjectProblemInput): Problem[] {
  return [
    ...failedCreateProblems(input),
    ...serviceProblems(input),
    ...jobProblems(input),
    ...eventProblems(input.cronJobs, 'cronjob', ['MissSchedule', 'TooManyMissedTimes'], 'cronjob-missed', (o) => `CronJob ${o.metadata.name} missed its schedule`, input),
    ...daemonSetProblems(input),
    ...claimProblems(input),
    ...ingressProblems(input),
  ];
}
