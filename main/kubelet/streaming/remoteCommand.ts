// One exec or attach session: a runtime session joined to a WebSocket
// channel connection, ended with the Status the kubelet reports (Success,
// NonZeroExitCode with the exit code as a cause, or InternalError). The
// runtime session starts only after the upgrade: from then on, failures
// travel on the error channel, as they do through kube-apiserver.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { ConnectHandler } from '../../apiserver/dispatcher.ts';
import { errors } from '../../apiserver/errors.ts';
import type { StreamSession, TerminalSize } from '../../runtime/runtime.ts';
import {
  acceptChannels,
  chooseProtocol,
  STREAM_ERROR,
  STREAM_RESIZE,
  STREAM_STDERR,
  STREAM_STDIN,
  STREAM_STDOUT,
  type ChannelConnection,
} from './channelConnection.ts';
import type { CommandStreams } from './commandOptions.ts';

/** What the runtime gives: exec has an exit code, attach does not. */
export interface StartedSession {
  session: StreamSession;
  exitCode?: Promise<number>;
}

export interface RemoteCommandSpec {
  streams: CommandStreams;
  start(): Promise<StartedSession>;
  /** The kubelet's wrapping of a runtime failure: `error executing command in container` or `error attaching to container`. */
  failurePrefix: string;
  /** For exec: the command, named in the non-zero exit message. */
  command?: string[];
}

// metav1.Status as the kubelet marshals it on the error channel (no kind, no code for the outcomes).
const success = { metadata: {}, status: 'Success' };

function nonZeroExit(command: string[], exitCode: number) {
  return {
    metadata: {},
    status: 'Failure',
    // Go's %v of a []string: [sh -c exit 3].
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function internalError(message: string) {
  const { kind: _kind, apiVersion: _apiVersion, ...status } = errors.internal(message).status;
  return status;
}

export class RemoteCommand implements ConnectHandler {
  constructor(private readonly spec: RemoteCommandSpec) {}

  serve(_req: IncomingMessage, _res: ServerResponse): void {
    throw errors.badRequest('Upgrade request required');
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    chooseProtocol(req);
    const connection = await acceptChannels(req, socket, head);
    const { streams } = this.spec;
    // wsstream's signal that the session is up: an empty message on the lowest channel the client reads.
    void connection.send(streams.stdout ? STREAM_STDOUT : streams.stderr ? STREAM_STDERR : STREAM_ERROR);
    let started: StartedSession;
    try {
      started = await this.spec.start();
    } catch (error) {
      connection.input(STREAM_STDIN).resume();
      connection.input(STREAM_RESIZE).resume();
      connection.finish(internalError(`${this.spec.failurePrefix}: ${messageOf(error)}`));
      return;
    }
    try {
      await this.run(connection, started);
    } catch {
      // The socket is a WebSocket now: an HTTP error answer cannot follow, only an end.
      started.session.close();
      connection.abort();
    }
  }

  private async run(connection: ChannelConnection, { session, exitCode }: StartedSession): Promise<void> {
    const { streams } = this.spec;
    const clientGone = connection.done.then(() => session.close());

    const stdin = connection.input(STREAM_STDIN);
    if (streams.stdin && session.stdin) {
      // The process may exit before reading everything; writing to it then must not throw.
      session.stdin.on('error', () => {});
      stdin.pipe(session.stdin);
    } else {
      stdin.resume();
    }
    const resizes = connection.input(STREAM_RESIZE);
    if (streams.tty) onTerminalSizes(resizes, (size) => session.resize(size).catch(() => {}));
    else resizes.resume();

    await Promise.all([
      streams.stdout ? connection.forward(session.stdout, STREAM_STDOUT) : drain(session.stdout),
      streams.stderr ? connection.forward(session.stderr, STREAM_STDERR) : drain(session.stderr),
    ]);
    if (!connection.isOpen) {
      await clientGone;
      return;
    }
    connection.finish(await this.outcome(exitCode));
    session.close();
  }

  private async outcome(exitCode: Promise<number> | undefined): Promise<object> {
    if (!exitCode) return success;
    try {
      const code = await exitCode;
      return code === 0 ? success : nonZeroExit(this.spec.command ?? [], code);
    } catch (error) {
      return internalError(`${this.spec.failurePrefix}: ${messageOf(error)}`);
    }
  }
}

/** remotecommand.TerminalSize messages, `{"Width":80,"Height":24}`, one after the other (a JSON stream). */
function onTerminalSizes(input: Readable, apply: (size: TerminalSize) => void): void {
  let pending = '';
  input.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    // A TerminalSize has no nested objects: each one ends at its first closing brace.
    for (let end = pending.indexOf('}'); end >= 0; end = pending.indexOf('}')) {
      const text = pending.slice(0, end + 1);
      pending = pending.slice(end + 1);
      try {
        const { Width, Height } = JSON.parse(text) as { Width?: number; Height?: number };
        if (Width && Height) apply({ columns: Width, rows: Height });
      } catch {
        // A malformed size changes nothing; the session goes on, as the kubelet's decoder loop would stop only its resizes.
      }
    }
  });
}

async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream) {
    // Output nobody asked for.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
