// The kubectl commands the admission findings suggest, spelled exactly as a
// person would type them.

/** A JSON argument in single quotes for a POSIX shell. */
function quoted(value: unknown): string {
  return `'${JSON.stringify(value).replace(/'/g, `'\\''`)}'`;
}

const configurationResources: Record<string, string> = { MutatingWebhookConfiguration: 'mutatingwebhookconfiguration', ValidatingWebhookConfiguration: 'validatingwebhookconfiguration' };

export function configurationResource(kind: string | undefined): string {
  return (kind && configurationResources[kind]) || 'validatingwebhookconfiguration';
}

export const admissionKubectl = {
  getYaml: (resource: string, name: string, namespace?: string) => `kubectl get ${resource} ${name}${namespace ? ` -n ${namespace}` : ''} -o yaml`,
  webhookConfiguration: (kind: string | undefined, name: string) => `kubectl get ${configurationResource(kind)} ${name} -o yaml`,
  webhookConfigurations: () => 'kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations',
  service: (name: string, namespace: string) => `kubectl get service ${name} -n ${namespace} -o wide`,
  services: (namespace: string) => `kubectl get services -n ${namespace}`,
  endpointSlices: (service: string, namespace: string) => `kubectl get endpointslices -n ${namespace} -l kubernetes.io/service-name=${service} -o wide`,
  podsWithLabels: (namespace: string, selector?: string) => `kubectl get pods -n ${namespace}${selector ? ` -l ${selector}` : ''} --show-labels`,
  describePod: (name: string, namespace: string) => `kubectl describe pod ${name} -n ${namespace}`,
  logs: (namespace: string, selector: string) => `kubectl logs -n ${namespace} -l ${selector} --tail=50`,
  scaleDeployment: (name: string, namespace: string, replicas: number) => `kubectl scale deployment ${name} -n ${namespace} --replicas=${replicas}`,
  /** A JSON patch replaces the selector whole (a merge patch would keep its wrong keys). */
  setSelector: (service: string, namespace: string, selector: Record<string, string>) => `kubectl patch service ${service} -n ${namespace} --type=json -p ${quoted([{ op: 'replace', path: '/spec/selector', value: selector }])}`,
  failurePolicyIgnore: (kind: string | undefined, configuration: string, index: number) =>
    `kubectl patch ${configurationResource(kind)} ${configuration} --type=json -p ${quoted([{ op: 'replace', path: `/webhooks/${index}/failurePolicy`, value: 'Ignore' }])}`,
  timeoutSeconds: (kind: string | undefined, configuration: string, index: number, seconds: number) =>
    `kubectl patch ${configurationResource(kind)} ${configuration} --type=json -p ${quoted([{ op: 'replace', path: `/webhooks/${index}/timeoutSeconds`, value: seconds }])}`,
  caBundle: (kind: string | undefined, configuration: string, webhook: string) =>
    `kubectl get ${configurationResource(kind)} ${configuration} -o jsonpath='{.webhooks[?(@.name=="${webhook}")].clientConfig.caBundle}' | base64 -d | openssl x509 -noout -subject -issuer -enddate`,
  portForwardService: (service: string, namespace: string, port: number) => `kubectl port-forward -n ${namespace} service/${service} 8443:${port}`,
  servedCertificate: (serverName: string) => `openssl s_client -connect 127.0.0.1:8443 -servername ${serverName} </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -ext subjectAltName -enddate`,
  namespaceLabels: (namespace: string) => `kubectl get ns ${namespace} --show-labels`,
  enforceLevel: (namespace: string, level: string) => `kubectl label ns ${namespace} pod-security.kubernetes.io/enforce=${level} --overwrite`,
  strategicPatch: (resource: string, name: string, namespace: string, patch: unknown) => `kubectl patch ${resource} ${name} -n ${namespace} --type=strategic -p ${quoted(patch)}`,
  mergePatch: (resource: string, name: string, namespace: string | undefined, patch: unknown) => `kubectl patch ${resource} ${name}${namespace ? ` -n ${namespace}` : ''} --type=merge -p ${quoted(patch)}`,
  dryRunApply: (file: string) => `kubectl apply --dry-run=server -f ${file}`,
  failedCreates: (kind: string, name: string, namespace: string) => `kubectl get events -n ${namespace} --field-selector involvedObject.kind=${kind},involvedObject.name=${name},reason=FailedCreate`,
  describe: (resource: string, name: string, namespace: string) => `kubectl describe ${resource} ${name} -n ${namespace}`,
};
