// A webhook that cannot be called: under failurePolicy Fail the API server
// refuses everything the webhook would be sent (`Internal error occurred:
// failed calling webhook "NAME": failed to call webhook: Post "URL": ...`).
// The call failed for a reason of its class (no Service, no ready endpoints,
// connection refused, a certificate the caBundle does not trust or that
// names another host, a timeout); the finding checks that reason against
// the cluster as it is now (the Service, its EndpointSlices, the pods and
// Deployment behind it, the caBundle) and gives the fix: scale the webhook's
// Deployment up, fix the Service's selector or port, reissue the
// certificate, or, knowingly, failurePolicy: Ignore.

import type { DiagnosisEvidence, NextCheck } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';
import { admissionKubectl } from './admissionCommands.ts';
import { findWebhook, selectorText, type AdmissionCluster, type FoundWebhook } from './admissionCluster.ts';
import type { Refusal, WebhookCause } from './admissionRefusal.ts';
import { refusalEvidence, refusedWrite, type RefusalRule } from './refusalRule.ts';
import { caBundleView, containerPorts, webhookBackend, type WebhookBackend } from './webhookBackend.ts';
import { webhookTarget, type WebhookTarget } from './webhookTarget.ts';

type CallFailed = Extract<WebhookCause, { outcome: 'call-failed' }>;

interface Diagnosis {
  why: string;
  evidence: DiagnosisEvidence[];
  next: NextCheck[];
}

const names = (objects: KubeObject[]) => objects.map((o) => o.metadata.name).join(', ');

function replicasOf(d: KubeObject): number {
  return (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

function templateLabels(d: KubeObject): Record<string, string> {
  return (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {};
}

/** Why the Service gives no ready address, from the Service, its selector, the pods and Deployments. */
function noReadyEndpoints(target: WebhookTarget, b: WebhookBackend, r: Refusal): Diagnosis {
  const { namespace, name } = target.service!;
  const evidence: DiagnosisEvidence[] = [];
  const next: NextCheck[] = [{ what: "See the Service's endpoints (an endpoint must be ready to be called)", command: admissionKubectl.endpointSlices(name, namespace) }];
  if (!b.selector) {
    return { why: `Service ${namespace}/${name} has no selector: its endpoints are written by hand (or by another controller), and none is ready.`, evidence, next };
  }
  const selector = selectorText(b.selector);
  evidence.push({ label: 'Service selector', text: selector });
  if (b.ready.length > 0) {
    evidence.push({ label: 'Ready endpoints now', text: b.ready.join(', ') });
    return { why: `Service ${namespace}/${name} has ready endpoints now (${b.ready.join(', ')}): the webhook was not ready when the request came. The next request reaches it; a controller retries on its own.`, evidence, next };
  }
  if (b.pods.length > 0) {
    evidence.push({ label: `Pods with ${selector}`, text: b.pods.map((p) => `${p.metadata.name}: ${(p.status as { phase?: string } | undefined)?.phase ?? 'Pending'}${b.readyPods.includes(p) ? ', Ready' : ', not Ready'}`).join('; ') });
    const first = b.pods.find((p) => !b.readyPods.includes(p)) ?? b.pods[0]!;
    next.unshift({ what: `See why pod ${first.metadata.name} is not Ready (the Debugger's pod view says it too)`, command: admissionKubectl.describePod(first.metadata.name ?? '', namespace) });
    return { why: `${b.pods.length} pod${b.pods.length === 1 ? '' : 's'} of the webhook (${names(b.pods)}) match the Service's selector ${selector}, and none is Ready, so no endpoint is ready to call.`, evidence, next };
  }
  const scaledDown = b.deployments.filter((d) => replicasOf(d) === 0);
  if (scaledDown.length > 0) {
    const d = scaledDown[0]!;
    evidence.push({ label: `Deployment ${d.metadata.name}`, text: 'replicas: 0' });
    next.unshift({ what: `Scale the webhook's Deployment up`, command: admissionKubectl.scaleDeployment(d.metadata.name ?? '', namespace, 1) });
    return { why: `The Service's selector ${selector} takes the pods of Deployment ${namespace}/${d.metadata.name}, which is scaled to 0 replicas: the webhook has no pod at all.`, evidence, next };
  }
  if (b.deployments.length > 0) {
    const d = b.deployments[0]!;
    next.unshift({ what: `See why Deployment ${d.metadata.name} has no pods (its ReplicaSet's FailedCreate events; the Debugger's workload view)`, command: admissionKubectl.describe('deployment', d.metadata.name ?? '', namespace) });
    const own = r.object.kind === 'Pod' && r.object.namespace === namespace;
    return {
      why:
        `Deployment ${namespace}/${d.metadata.name} should run the webhook's pods (its template matches ${selector}) but none exists.` +
        (own ? ' Its pods are in the namespace the webhook is sent, so while it is down they are refused by it too: exclude the webhook\'s own namespace with its namespaceSelector.' : ''),
      evidence,
      next,
    };
  }
  evidence.push({ label: `Pods with ${selector}`, text: `none in namespace ${namespace}` });
  next.unshift({ what: `Compare the selector with the labels of the pods in ${namespace}`, command: admissionKubectl.podsWithLabels(namespace) });
  // With one Deployment in the namespace, its pods are the likely webhook: select them.
  if (b.namespaceDeployments.length === 1) {
    const d = b.namespaceDeployments[0]!;
    next.splice(1, 0, { what: `Point the Service at Deployment ${d.metadata.name}'s pods, if they are the webhook`, command: admissionKubectl.setSelector(name, namespace, templateLabels(d)) });
  }
  return { why: `No pod in namespace ${namespace} has the labels of the Service's selector ${selector}: either the webhook is not deployed, or the selector does not match its pods' labels.`, evidence, next };
}

function certificateCheck(found: FoundWebhook | undefined, target: WebhookTarget | undefined, cause: CallFailed, message: string, now: Date): Diagnosis {
  const evidence: DiagnosisEvidence[] = [];
  const next: NextCheck[] = [];
  const ca = caBundleView(found?.hook.clientConfig.caBundle, now);
  if (!found) evidence.push({ label: 'caBundle', text: 'not checked: the webhook configuration was not found' });
  else if (!ca) evidence.push({ label: 'caBundle', text: 'none: the API server trusts only the system roots' });
  else if ('error' in ca) evidence.push({ label: 'caBundle', text: ca.error });
  else evidence.push({ label: 'caBundle', text: `${ca.subject} (issued by ${ca.issuer}), valid until ${ca.validTo}${ca.expired ? ': expired' : ''}${ca.certificates > 1 ? `, and ${ca.certificates - 1} more` : ''}` });
  if (found) next.push({ what: 'Read the CA the configuration trusts', command: admissionKubectl.caBundle(found.configurationKind, found.configuration, found.hook.name) });
  if (target?.service) {
    next.push({ what: "Reach the webhook's Service from here", command: admissionKubectl.portForwardService(target.service.name, target.service.namespace, target.service.port) });
    next.push({ what: 'and read the certificate it serves (issuer, names, expiry)', command: admissionKubectl.servedCertificate(target.serverName ?? '') });
  }
  const server = target?.serverName ?? 'the webhook host';
  if (cause.problem === 'tls-name-mismatch') {
    const valid = /certificate is valid for (.*), not (\S+)$/.exec(message);
    return {
      why: `The webhook's serving certificate names ${valid?.[1] ?? 'other hosts'}, but the API server connects to ${valid?.[2] ?? server} and checks that name. Reissue the certificate with ${server} among its subjectAltNames (cert-manager: dnsNames in the Certificate).`,
      evidence,
      next,
    };
  }
  if (cause.problem === 'tls-expired') return { why: `The webhook's serving certificate (or the CA in caBundle) has expired or is not yet valid: renew it and put its CA in caBundle.`, evidence, next };
  return {
    why: `The webhook serves a certificate that the CA in its configuration's caBundle did not sign, so the API server does not trust it. Put the CA that signed the serving certificate in caBundle (cert-manager's CA injector does it with the annotation cert-manager.io/inject-ca-from), or serve a certificate that CA signed, for ${server}.`,
    evidence,
    next,
  };
}

function connectionRefused(target: WebhookTarget | undefined, b: WebhookBackend | undefined, message: string): Diagnosis {
  const evidence: DiagnosisEvidence[] = [];
  const next: NextCheck[] = [];
  const dialed = /dial tcp (\S+): connect: connection refused/.exec(message)?.[1];
  if (!target?.service || !b) return { why: `Nothing listens at ${dialed ?? target?.text ?? 'the webhook address'}: the webhook is not running there, or listens on another port.`, evidence, next };
  const targetPort = b.port?.targetPort ?? b.port?.port;
  evidence.push({ label: 'Service port', text: `${b.port?.port ?? target.service.port} → targetPort ${targetPort}` });
  const pod = b.readyPods[0] ?? b.pods[0];
  if (pod) {
    const ports = containerPorts(pod);
    evidence.push({ label: `Pod ${pod.metadata.name} declares`, text: ports.map((p) => p.text).join(', ') || 'no container ports' });
    const listens = ports.some((p) => p.port === targetPort || p.name === targetPort);
    if (!listens && ports.length > 0) {
      next.push({ what: 'See the Service ports', command: admissionKubectl.service(target.service.name, target.service.namespace) });
      return { why: `The Service sends the call to targetPort ${targetPort} of pod ${pod.metadata.name} at ${dialed ?? 'its address'}, but the pod declares ${ports.map((p) => p.text).join(', ')}: set the Service's targetPort to the port the webhook listens on.`, evidence, next };
    }
  }
  if (b.selector) next.push({ what: "Read the webhook's log (did it start its HTTPS server, on which port?)", command: admissionKubectl.logs(target.service.namespace, selectorText(b.selector)) });
  return { why: `The call reached ${dialed ?? 'the endpoint'}, and nothing listened there: the webhook process is not listening on targetPort ${targetPort} (not started yet, crashed, or on another port).`, evidence, next };
}

function explain(cause: CallFailed, found: FoundWebhook | undefined, target: WebhookTarget | undefined, cluster: AdmissionCluster, r: Refusal, now: Date): Diagnosis {
  const b = target?.service ? webhookBackend(cluster, target) : undefined;
  const svc = target?.service;
  const service = svc ? `Service ${svc.namespace}/${svc.name}` : '';
  const logs = (): NextCheck[] => (svc && b?.selector ? [{ what: "Read the webhook's log", command: admissionKubectl.logs(svc.namespace, selectorText(b.selector)) }] : []);
  switch (cause.problem) {
    case 'service-not-found':
      if (b?.service) return { why: `${service} did not exist when the request came; it exists now, so the next request can reach it.`, evidence: [], next: [{ what: 'See the Service', command: admissionKubectl.service(svc!.name, svc!.namespace) }] };
      return {
        why: `The configuration sends the call to ${service}, which does not exist: the webhook is not deployed, or clientConfig.service names the wrong Service.`,
        evidence: [{ label: `Services in ${svc?.namespace ?? 'the namespace'}`, text: cluster.services.filter((s) => s.metadata.namespace === svc?.namespace).map((s) => s.metadata.name).join(', ') || 'none' }],
        next: svc ? [{ what: `List the Services in ${svc.namespace}`, command: admissionKubectl.services(svc.namespace) }] : [],
      };
    case 'no-service-port':
      return {
        why: `The configuration calls port ${svc?.port} of ${service}, which has no such port (it has ${b?.ports.map((p) => `${p.port}`).join(', ') || 'none'}): set clientConfig.service.port to the Service's port, or add the port to the Service.`,
        evidence: [],
        next: svc ? [{ what: 'See the Service ports', command: admissionKubectl.service(svc.name, svc.namespace) }] : [],
      };
    case 'unsupported-service-type':
      return { why: `${service} is of a type the API server cannot call through (ExternalName): use a ClusterIP Service, or clientConfig.url.`, evidence: [], next: [] };
    case 'endpoints-not-found':
    case 'no-ready-endpoints':
      if (!b?.service && svc) return { why: `${service} does not exist (any more).`, evidence: [], next: [{ what: `List the Services in ${svc.namespace}`, command: admissionKubectl.services(svc.namespace) }] };
      return b && target ? noReadyEndpoints(target, b, r) : { why: 'The Service has no ready endpoint.', evidence: [], next: [] };
    case 'connection-refused':
      return connectionRefused(target, b, r.message);
    case 'tls-unknown-authority':
    case 'tls-name-mismatch':
    case 'tls-expired':
      return certificateCheck(found, target, cause, r.message, now);
    case 'timeout': {
      const seconds = cause.timeoutSeconds ?? found?.hook.timeoutSeconds ?? 10;
      const next: NextCheck[] = [...logs()];
      if (found && seconds < 30) next.push({ what: 'If the webhook is slow but working, give it more time (at most 30 seconds)', command: admissionKubectl.timeoutSeconds(found.configurationKind, found.configuration, found.index, 30) });
      return { why: `The webhook did not answer within its timeoutSeconds (${seconds}s): it is overloaded, stuck, or its address drops the connection.`, evidence: b ? [{ label: 'Ready endpoints', text: b.ready.join(', ') || 'none' }] : [], next };
    }
    case 'http-error':
      return { why: 'The webhook answered with an HTTP error instead of an AdmissionReview: its own log says why.', evidence: [], next: logs() };
    case 'invalid-response':
      return { why: 'The webhook answered, but not with a valid admission.k8s.io/v1 AdmissionReview response (the message says what is wrong): fix the webhook.', evidence: [], next: logs() };
    case 'match-conditions':
      return { why: "One of the webhook's matchConditions could not be evaluated for this request: fix the expression in the configuration.", evidence: [], next: [] };
    default:
      return { why: `The webhook's address could not be reached (${/: ([^:]+)$/.exec(r.message)?.[1] ?? 'see the message'}).`, evidence: b ? [{ label: 'Ready endpoints', text: b.ready.join(', ') || 'none' }] : [], next: logs() };
  }
}

export const webhookUnreachable: RefusalRule = (r, cluster, now) => {
  const cause = r.cause;
  if (cause.stage !== 'webhook' || cause.outcome !== 'call-failed') return [];
  const found = findWebhook(cluster, cause.webhook, cause.configuration, cause.configurationKind);
  const configuration = cause.configuration ?? found?.configuration;
  const configurationKind = cause.configurationKind ?? found?.configurationKind;
  const failurePolicy = found?.hook.failurePolicy ?? cause.failurePolicy ?? 'Fail';
  const target = webhookTarget(cause, found);
  const diagnosis = explain(cause, found, target, cluster, r, now);
  const evidence: DiagnosisEvidence[] = [
    refusalEvidence(r),
    { label: 'Webhook', text: `${cause.webhook}${configuration ? ` in ${configurationKind ?? 'webhook configuration'} ${configuration}` : ''}${target ? `, called at ${target.text}` : ''}, failurePolicy ${failurePolicy}` },
    ...diagnosis.evidence,
  ];
  const next: NextCheck[] = [...diagnosis.next];
  if (configuration) next.push({ what: 'See the webhook configuration', command: admissionKubectl.webhookConfiguration(configurationKind, configuration) });
  if (target?.service && !next.some((n) => n.command.includes('endpointslices'))) next.push({ what: "See the Service's endpoints", command: admissionKubectl.endpointSlices(target.service.name, target.service.namespace) });
  if (found && failurePolicy === 'Fail') {
    next.push({
      what: `Or, knowingly, let requests through while the webhook cannot be called: failurePolicy Ignore admits what the webhook would have checked, unchecked`,
      command: admissionKubectl.failurePolicyIgnore(found.configurationKind, found.configuration, found.index),
    });
  }
  return [
    {
      rule: 'webhook-unreachable',
      severity: 'error',
      title: `Webhook "${cause.webhook}" cannot be called`,
      cause:
        `The API server had to call webhook "${cause.webhook}"${configuration ? ` (${configurationKind ?? 'configuration'} ${configuration})` : ''} for ${refusedWrite(r)} and could not. ` +
        `Its failurePolicy is ${failurePolicy}, so a webhook that cannot be called refuses every request it would have been sent, whatever the object. ` +
        diagnosis.why,
      evidence,
      next,
    },
  ];
};
