// How long a simulated container's program runs, read from its command: the
// simulated runtime has no processes, but Jobs and CronJobs need programs
// that end. A container ends on its own when
//   - its environment says so: PODLAB_SIM_EXIT_AFTER (a duration: 2s, 500ms,
//     1m) and PODLAB_SIM_EXIT_CODE (default 0); or
//   - its command is a short program that plainly ends: `echo`, `true`,
//     `false`, `date`, `env`, `printenv`, `sleep N`, or `sh -c SCRIPT` whose
//     script has no loop (while, until), no server (httpd, nc -l, nginx) and
//     no endless wait (tail -f, sleep infinity, a sleep of an hour or more).
//     It runs one second plus the script's sleeps; its exit code is the
//     script's trailing `exit N`, or 1 for `false`, else 0.
// Anything else (a server image's own entrypoint) runs until it is stopped.

export interface PlannedExit {
  afterMs: number;
  exitCode: number;
}

interface ProgramConfig {
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value: string }>;
}

const endless = /\b(while|until)\b|\bhttpd\b|\bnc\s+-l|\bnginx\b|tail\s+-f|sleep\s+inf/;
const shortPrograms = new Set(['echo', 'true', 'false', 'date', 'env', 'printenv', 'hostname', 'uname', 'ls', 'cat', 'pwd', 'whoami', 'id']);
const baseMs = 1000;

function durationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Number(match[1]) * unit;
}

function scriptExit(script: string): PlannedExit | undefined {
  if (endless.test(script)) return undefined;
  let sleeps = 0;
  for (const match of script.matchAll(/\bsleep\s+([^\s;&|)]+)/g)) {
    const ms = durationMs(match[1]!);
    if (ms === undefined || ms >= 3_600_000) return undefined;
    sleeps += ms;
  }
  const trailingExit = /\bexit\s+(\d+)\s*;?\s*$/.exec(script.trim());
  const exitCode = trailingExit ? Number(trailingExit[1]) : /(^|[;&|]\s*)false\s*$/.test(script.trim()) ? 1 : 0;
  return { afterMs: baseMs + sleeps, exitCode };
}

export function plannedExit(config: ProgramConfig): PlannedExit | undefined {
  const env = new Map((config.env ?? []).map((e) => [e.name, e.value]));
  const after = env.get('PODLAB_SIM_EXIT_AFTER');
  if (after !== undefined) {
    const ms = durationMs(after);
    if (ms !== undefined) return { afterMs: ms, exitCode: Number(env.get('PODLAB_SIM_EXIT_CODE') ?? 0) || 0 };
  }
  const argv = [...(config.command ?? []), ...(config.args ?? [])];
  const program = argv[0]?.split('/').pop();
  if (!program) return undefined;
  if ((program === 'sh' || program === 'bash' || program === 'ash') && argv[1] === '-c' && argv[2] !== undefined) return scriptExit(argv[2]);
  if (program === 'sleep') {
    const ms = argv[1] === undefined ? undefined : durationMs(argv[1]);
    return ms !== undefined && ms < 3_600_000 ? { afterMs: ms, exitCode: 0 } : undefined;
  }
  if (shortPrograms.has(program)) return { afterMs: baseMs, exitCode: program === 'false' ? 1 : 0 };
  return undefined;
}
