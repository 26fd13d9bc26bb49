// PodExecOptions and PodAttachOptions from the query of pods/NAME/exec and
// pods/NAME/attach, with the kubelet's rules for the streams: at least one
// of stdin, stdout, stderr, and no separate stderr on a terminal.

import { errors } from '../../apiserver/errors.ts';
import { queryBool, queryString } from '../../apiserver/queryValues.ts';

export interface CommandStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface PodAttachOptions extends CommandStreams {
  container: string;
}

export interface PodExecOptions extends PodAttachOptions {
  command: string[];
}

export function parseAttachOptions(query: URLSearchParams): PodAttachOptions {
  const options = {
    container: queryString(query, 'container'),
    stdin: queryBool(query, 'stdin'),
    stdout: queryBool(query, 'stdout'),
    stderr: queryBool(query, 'stderr'),
    tty: queryBool(query, 'tty'),
  };
  if (!options.stdin && !options.stdout && !options.stderr) throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  // A terminal has one output; the kubelet drops stderr rather than refuse.
  if (options.tty) options.stderr = false;
  return options;
}

export function parseExecOptions(query: URLSearchParams): PodExecOptions {
  const command = query.getAll('command');
  if (command.length === 0) throw errors.badRequest('you must specify at least 1 command');
  return { ...parseAttachOptions(query), command };
}
