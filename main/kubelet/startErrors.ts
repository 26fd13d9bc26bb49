// Why a container could not be started, as the kubelet's sync results carry
// it: the reason becomes the container's waiting reason and the message its
// waiting message (ErrImagePull, ImagePullBackOff, CrashLoopBackOff,
// CreateContainerConfigError...).

export type StartFailureReason =
  | 'ErrImagePull'
  | 'ImagePullBackOff'
  | 'ErrImageNeverPull'
  | 'InvalidImageName'
  | 'ImageInspectError'
  | 'CrashLoopBackOff'
  | 'CreateContainerConfigError'
  | 'CreateContainerError'
  | 'RunContainerError'
  | 'PostStartHookError';

export class ContainerStartError extends Error {
  constructor(
    readonly reason: StartFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'ContainerStartError';
  }
}
