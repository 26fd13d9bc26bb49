/*
 * The pod sandbox's only process. It holds the pod's namespaces open and, as
 * PID 1 of a shared process namespace, reaps orphaned children so they do not
 * linger as zombies. It behaves like Kubernetes' build/pause/linux/pause.c
 * (registry.k8s.io/pause), whose name PodLab's image carries:
 *   - SIGINT / SIGTERM: exit 0 at once, so stopping a sandbox never waits for
 *     the stop timeout;
 *   - SIGCHLD: wait for every exited child;
 *   - `-v`: print the version and exit.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PAUSE_VERSION
#define PAUSE_VERSION "unknown"
#endif

static void on_stop_signal(int signal_number) {
  psignal(signal_number, "pause: stopping on signal");
  exit(0);
}

static void on_child_exit(int signal_number) {
  (void)signal_number;
  /* One SIGCHLD may stand for several children: reap until none is left. */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

static int install(int signal_number, void (*handler)(int), int flags) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  return sigaction(signal_number, &action, NULL);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcasecmp(argv[i], "-v") == 0) {
      printf("pause %s (PodLab)\n", PAUSE_VERSION);
      return 0;
    }
  }
  if (getpid() != 1) {
    /* Still useful outside a sandbox (a node container), so only warn. */
    fprintf(stderr, "pause: warning: not running as PID 1\n");
  }
  if (install(SIGINT, on_stop_signal, 0) < 0 || install(SIGTERM, on_stop_signal, 0) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  if (install(SIGCHLD, on_child_exit, SA_NOCLDSTOP) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) {
    pause();
  }
}
