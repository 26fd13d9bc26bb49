// Problem reports of the node agents on stderr: each distinct line at most
// once a minute, since a stopped engine makes every loop fail at once.

export function throttledLog(prefix: string, now: () => number): (error: unknown, context: string) => void {
  const last = new Map<string, number>();
  return (error, context) => {
    const line = `${prefix}: ${context}: ${(error as Error)?.message ?? String(error)}`;
    const at = now();
    if ((last.get(line) ?? -Infinity) > at - 60_000) return;
    last.set(line, at);
    process.stderr.write(`${line}\n`);
  };
}
