// What a container's exit code usually means: 128+N is "killed by signal N".

export function explainExit(exitCode: number | undefined, reason?: string): string {
  if (reason === 'OOMKilled') return 'it used more memory than its limit and the kernel killed it (OOMKilled): raise resources.limits.memory or use less memory';
  switch (exitCode) {
    case undefined:
      return 'it stopped';
    case 0:
      return 'it exited successfully (code 0), but the pod restarts its containers (restartPolicy Always): a long-running container must not finish';
    case 1:
      return 'it exited with code 1, a generic error from the program itself: its last log lines usually say why';
    case 2:
      return 'it exited with code 2, usually a wrong command-line usage or a shell builtin misuse';
    case 126:
      return 'it exited with code 126: the command was found but cannot be executed (permissions, or not a binary for this platform)';
    case 127:
      return 'it exited with code 127: the command was not found in the image (check command/args and the image)';
    case 137:
      return 'it was killed with SIGKILL (code 137): by the kubelet after failed liveness probes or a stop that timed out, or by the kernel for memory';
    case 139:
      return 'it crashed with a segmentation fault (code 139)';
    case 143:
      return 'it was stopped with SIGTERM (code 143): usually the kubelet restarting it after failed liveness probes';
    default:
      return exitCode > 128 ? `it was killed by signal ${exitCode - 128} (code ${exitCode})` : `it exited with code ${exitCode}`;
  }
}
