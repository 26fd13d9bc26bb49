// Manifests tests apply with kubectl, as YAML.

/** A busybox container that sleeps, from the image already on the machine. */
export const sleepingContainer = "{name: main, image: busybox:1.36, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}";

/**
 * A Deployment of `replicas` pods labeled app=NAME running `container` (a YAML
 * flow mapping); a grace period of 1 s makes pods whose process ignores
 * SIGTERM (a shell's sleep) go quickly.
 */
export function deploymentYaml(name: string, replicas: number, container: string, terminationGracePeriodSeconds?: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${terminationGracePeriodSeconds === undefined ? '' : `      terminationGracePeriodSeconds: ${terminationGracePeriodSeconds}\n`}      containers: [${container}]
`;
}
