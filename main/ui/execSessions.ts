// Shells in containers, one per terminal: output pushed as it comes, input
// and terminal size passed on, the exit code reported at the end.

import { randomUUID } from 'node:crypto';
import type { BridgeEvents, ExecRequest } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';
import { BridgeFailure, toBridgeError } from './bridgeError.ts';
import { chooseContainer } from './podContainers.ts';
import type { PodExecSession, PodStreams } from './podStreams.ts';

type Emit = (payload: BridgeEvents['exec']) => void;

export class ExecSessions {
  private readonly sessions = new Map<string, PodExecSession>();

  constructor(private readonly emit: Emit) {}

  async start(client: KubeClient, streams: PodStreams, request: ExecRequest): Promise<string> {
    const pod = await client.resource({ group: '', version: 'v1', plural: 'pods' }).get(request.namespace, request.pod);
    const container = chooseContainer(pod, request.container);
    if (request.command.length === 0) throw new BridgeFailure('the command is empty: give the program to run, e.g. sh');
    const session = await streams.exec(request.namespace, request.pod, container, request.command, request.tty);
    const sessionId = randomUUID();
    this.sessions.set(sessionId, session);
    if (request.columns && request.rows) session.resize(request.columns, request.rows);
    void (async () => {
      try {
        for await (const data of session.output) this.emit({ sessionId, data });
        this.emit({ sessionId, exit: { code: await session.exit } });
      } catch (err) {
        this.emit({ sessionId, exit: { error: toBridgeError(err) } });
      }
      this.sessions.delete(sessionId);
    })();
    return sessionId;
  }

  private session(sessionId: string): PodExecSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new BridgeFailure('this shell has ended: open a new one');
    return session;
  }

  input(sessionId: string, data: string): void {
    this.session(sessionId).write(data);
  }

  resize(sessionId: string, columns: number, rows: number): void {
    this.session(sessionId).resize(columns, rows);
  }

  stop(sessionId: string): void {
    this.sessions.get(sessionId)?.close();
    this.sessions.delete(sessionId);
  }

  stopAll(): void {
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }
}
