// Drops the lines a follow of Docker's json-file logs hands out again.
//
// When the log file rotates under a follower (max-size reached), Docker 20.10
// (Debian's docker.io) can go back and send lines again: 200,000 numbered
// lines followed with `docker logs -f` came back as 258,259, going back from
// line 199,999 to 141,741; other times it repeats just the last line. A Logs
// tab or `kubectl logs -f` showed them twice.
//
// The engine stamps each line as it reads it from the container's stream, one
// stream at a time, so within one stream the timestamps never go back: a line
// older than the last one handed out is a repeat, and so is a line of the
// last one's instant that was already handed out (two different lines can
// share an instant; the same line twice in one nanosecond is the repeat).
// What the engine writes into the stream itself, such as "Error grabbing
// logs: ...", carries no timestamp and always goes through.

/** The engine's timestamps: Go's RFC 3339 with nanoseconds, trailing zeros of the fraction trimmed. */
export const ENGINE_TIMESTAMP = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z`;
const TIMESTAMP = new RegExp(`^${ENGINE_TIMESTAMP}$`);

export class FollowOrder {
  private last = '';
  /** The lines handed out with the timestamp `last`. */
  private linesAtLast: string[] = [];

  /** Whether this line is new (and then counts it as handed out). */
  isNew(timestamp: string, line: string): boolean {
    if (!TIMESTAMP.test(timestamp)) return true;
    const at = comparableTimestamp(timestamp);
    if (at > this.last) {
      this.last = at;
      this.linesAtLast = [line];
      return true;
    }
    if (at < this.last || this.linesAtLast.includes(line)) return false;
    this.linesAtLast.push(line);
    return true;
  }
}

/** Nine fraction digits, so that text order is time order (Go's RFC 3339 trims trailing zeros); logs.ts picks where to follow again from with it. */
export function comparableTimestamp(timestamp: string): string {
  const dot = timestamp.indexOf('.');
  if (dot < 0) return `${timestamp.slice(0, -1)}.000000000Z`;
  const fraction = timestamp.slice(dot + 1, -1);
  return fraction.length === 9 ? timestamp : `${timestamp.slice(0, dot)}.${fraction.padEnd(9, '0')}Z`;
}
