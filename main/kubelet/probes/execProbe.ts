// exec probes, as pkg/probe/exec over the runtime's ExecSync: exit 0 is
// success, another exit code a failure whose message is the command's output
// (stdout then stderr, up to 10 KiB), a timeout a failure with the message
// the kubelet's CRI client gives (`command "..." timed out`). An exec that
// cannot start (missing program, container gone) is an error, as CRI
// runtimes report it. $(VAR) in the command expands from the container's
// literal env values only, as ExpandContainerCommandOnlyStatic.
//
// Docker cannot kill an exec that timed out: it runs on in the container,
// as it did under dockershim.

import { TimeoutError } from '../../runtime/runtime.ts';
import { expand, mappingFor } from '../expansion.ts';
import type { Probe } from '../types.ts';
import { isMissingProgram } from './inPodConnection.ts';
import { failure, goQuote, limitOutput, probeError, success, type ProbeOutput } from './probeOutput.ts';
import type { ProbeTarget } from './probeTarget.ts';

export async function probeExec(action: NonNullable<Probe['exec']>, target: ProbeTarget): Promise<ProbeOutput> {
  const env = new Map((target.container.env ?? []).map((e) => [e.name, e.value ?? '']));
  const mapping = mappingFor(env);
  const command = (action.command ?? []).map((arg) => expand(arg, mapping));
  try {
    const result = await target.runtime.execSync(target.containerId, command, target.timeoutMs);
    const output = limitOutput(result.stdout + result.stderr);
    if (isMissingProgram(result.exitCode, output)) return probeError(output.trim());
    return result.exitCode === 0 ? success(output) : failure(output);
  } catch (error) {
    if (error instanceof TimeoutError) return failure(`command ${goQuote(command.join(' '))} timed out`);
    return probeError((error as Error).message);
  }
}
