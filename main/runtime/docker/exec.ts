// Exec and attach over the engine's hijacked HTTP connection: after the
// upgrade the socket carries stdin one way and (multiplexed, unless tty)
// stdout and stderr the other. Ending stdin half-closes the socket, which
// the engine passes on to the process as EOF.

import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';
import { TimeoutError, type AttachOptions, type ExecOptions, type ExecSession, type ExecSyncResult, type StreamSession, type TerminalSize } from '../runtime.ts';
import { engineCall } from './engine.ts';
import { pipeFrames } from './frames.ts';

export async function startExec(docker: Docker, containerId: string, options: ExecOptions): Promise<ExecSession> {
  const tty = options.tty ?? false;
  const stdin = options.stdin ?? false;
  const what = `exec in ${containerId}`;
  const exec = await engineCall(what, () =>
    docker.getContainer(containerId).exec({
      Cmd: options.command,
      AttachStdin: stdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
      ...(options.env ? { Env: options.env.map((e) => `${e.name}=${e.value}`) } : {}),
      ...(options.user ? { User: options.user } : {}),
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
    }),
  );
  const socket = (await engineCall(what, () => exec.start({ hijack: true, stdin, Tty: tty }))) as unknown as Duplex;
  const session = sessionOver(socket, tty, stdin, (size) => exec.resize({ h: size.rows, w: size.columns }));
  const exitCode = session.ended.then(() => exitCodeOf(exec, session.closed));
  // Callers that only care about output must not see an unhandled rejection.
  exitCode.catch(() => {});
  return { ...session.streams, exitCode };
}

/** Runs to completion, collecting output (probes). The process is not killed on timeout: Docker cannot kill an exec. */
export async function execSync(docker: Docker, containerId: string, command: string[], timeoutMs: number): Promise<ExecSyncResult> {
  const session = await startExec(docker, containerId, { command });
  const collect = (stream: NodeJS.ReadableStream) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      stream.on('error', reject);
    });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`command ${JSON.stringify(command)} in ${containerId} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const [stdout, stderr, exitCode] = await Promise.race([Promise.all([collect(session.stdout), collect(session.stderr), session.exitCode]), timeout]);
    return { exitCode, stdout, stderr };
  } finally {
    clearTimeout(timer);
    session.close();
  }
}

export async function attachContainer(docker: Docker, containerId: string, options: AttachOptions = {}): Promise<StreamSession> {
  const tty = options.tty ?? false;
  const stdin = options.stdin ?? false;
  const container = docker.getContainer(containerId);
  const socket = (await engineCall(`attach to ${containerId}`, () =>
    container.attach({ stream: true, stdin, stdout: true, stderr: true, hijack: true } as Docker.ContainerAttachOptions),
  )) as unknown as Duplex;
  const streams = sessionOver(socket, tty, stdin, (size) => container.resize({ h: size.rows, w: size.columns })).streams;
  // The engine ends the whole attach, output included, when the client's stdin ends on a container without
  // StdinOnce: `echo ls | kubectl debug -i` lost ls's answer. Such a stdin is not ended, as CRI leaves it open.
  if (streams.stdin && !options.stdinOnce) streams.stdin = withoutEnd(socket);
  return streams;
}

/** Writes go to `socket`; ending this stream leaves the socket open. */
function withoutEnd(socket: Duplex): Writable {
  return new Writable({
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => done(),
  });
}

function sessionOver(socket: Duplex, tty: boolean, withStdin: boolean, resize: (size: TerminalSize) => Promise<unknown>) {
  const closed = new AbortController();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  // A lost connection ends the output streams rather than erroring them: an
  // 'error' event nobody listens to would take the whole process down. The
  // failure surfaces through `ended` (and so through an exec's exitCode).
  const ended = pipeFrames(socket, tty, stdout, stderr).catch((error: unknown) => {
    if (!closed.signal.aborted) throw error;
  });
  ended.catch(() => {});
  const streams: StreamSession = {
    stdout,
    stderr,
    resize: async (size) => {
      await engineCall('resize', () => resize(size));
    },
    close: () => {
      closed.abort();
      socket.destroy();
    },
  };
  if (withStdin) streams.stdin = socket;
  return { streams, ended, closed: closed.signal };
}

/** The engine marks the exec finished a moment after its output ends. */
async function exitCodeOf(exec: Docker.Exec, closed: AbortSignal): Promise<number> {
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    const info = await engineCall('inspect exec', () => exec.inspect());
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    // Closed by the caller while the process runs on: nobody is left to tell.
    if (closed.aborted) throw new Error('the exec session was closed before the process ended');
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
