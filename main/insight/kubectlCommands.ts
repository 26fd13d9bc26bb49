// The kubectl commands the debugger suggests, spelled exactly as a person
// would type them for this pod.

export interface PodRef {
  namespace: string;
  name: string;
}

const ns = (pod: PodRef) => `-n ${pod.namespace}`;

export const kubectlFor = {
  describePod: (pod: PodRef) => `kubectl describe pod ${pod.name} ${ns(pod)}`,
  podEvents: (pod: PodRef) => `kubectl get events ${ns(pod)} --field-selector involvedObject.name=${pod.name} --sort-by=.lastTimestamp`,
  previousLogs: (pod: PodRef, container: string) => `kubectl logs ${pod.name} ${ns(pod)} -c ${container} --previous`,
  logs: (pod: PodRef, container: string) => `kubectl logs ${pod.name} ${ns(pod)} -c ${container}`,
  podYaml: (pod: PodRef) => `kubectl get pod ${pod.name} ${ns(pod)} -o yaml`,
  describeNodes: () => 'kubectl describe nodes',
  describeNode: (node: string) => `kubectl describe node ${node}`,
  podsOnNode: (node: string) => `kubectl get pods -A -o wide --field-selector spec.nodeName=${node}`,
  forceDelete: (pod: PodRef) => `kubectl delete pod ${pod.name} ${ns(pod)} --grace-period=0 --force`,
  nodeLabels: () => 'kubectl get nodes --show-labels',
  nodeTaints: () => "kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints",
  removeTaint: (node: string, key: string, effect: string) => `kubectl taint nodes ${node} ${key}:${effect}-`,
  uncordon: (node: string) => `kubectl uncordon ${node}`,
  getObject: (kind: string, name: string, namespace: string) => `kubectl get ${kind} ${name} -n ${namespace}`,
  createConfigMap: (name: string, namespace: string) => `kubectl create configmap ${name} -n ${namespace} --from-literal=key=value`,
  createSecret: (name: string, namespace: string) => `kubectl create secret generic ${name} -n ${namespace} --from-literal=key=value`,
  endpoints: (namespace: string) => `kubectl get endpoints -n ${namespace}`,
  /** `resource` as kubectl names it (`pods`, `deployments.apps`); an empty namespace asks cluster-wide. */
  canI: (verb: string, resource: string, subresource: string, user: string, namespace: string) =>
    `kubectl auth can-i ${verb} ${resource}${subresource ? ` --subresource=${subresource}` : ''} --as=${user} ${namespace ? `-n ${namespace}` : '-A'}`,
  canIPath: (verb: string, path: string, user: string) => `kubectl auth can-i ${verb} ${path} --as=${user}`,
  bindingsNaming: (serviceAccount: string, namespace: string) => `kubectl get rolebindings,clusterrolebindings -A -o wide | grep ${namespace}/${serviceAccount}`,
  createRole: (name: string, verbs: string[], resources: string[], namespace: string) => `kubectl create role ${name} --verb=${verbs.join(',')} --resource=${resources.join(',')} -n ${namespace}`,
  createRoleBinding: (name: string, role: string, serviceAccount: string, namespace: string) => `kubectl create rolebinding ${name} --role=${role} --serviceaccount=${namespace}:${serviceAccount} -n ${namespace}`,
  createClusterRole: (name: string, verbs: string[], resources: string[], urls: string[]) =>
    `kubectl create clusterrole ${name} --verb=${verbs.join(',')}${resources.length ? ` --resource=${resources.join(',')}` : ''}${urls.length ? ` --non-resource-url=${urls.join(',')}` : ''}`,
  createClusterRoleBinding: (name: string, role: string, serviceAccount: string, namespace: string) => `kubectl create clusterrolebinding ${name} --clusterrole=${role} --serviceaccount=${namespace}:${serviceAccount}`,
};
