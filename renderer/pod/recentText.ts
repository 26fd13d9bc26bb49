// The last part of a growing text (a followed log, for Download), kept as the
// pieces it arrived in. Trimming the joined text on every piece copied all of
// it each time: past 8 MiB, a log arriving in small pieces kept the page busy
// copying (a 200,000-line follow pinned the renderer at 100% for minutes).
// Here whole old pieces are dropped as newer ones cover the limit, and the
// text is joined only when asked for.

export class RecentText {
  private pieces: string[] = [];
  /** Index of the oldest piece still kept (dropped ones are cleared in batches). */
  private first = 0;
  private length = 0;

  constructor(private readonly limitChars: number) {}

  append(piece: string): void {
    if (!piece) return;
    this.pieces.push(piece);
    this.length += piece.length;
    // Drop the oldest pieces while what is left still holds the limit.
    while (this.length - this.pieces[this.first]!.length >= this.limitChars) {
      this.length -= this.pieces[this.first]!.length;
      this.first += 1;
    }
    if (this.first > 1024 && this.first * 2 > this.pieces.length) {
      this.pieces = this.pieces.slice(this.first);
      this.first = 0;
    }
  }

  clear(): void {
    this.pieces = [];
    this.first = 0;
    this.length = 0;
  }

  /** At most the last `limitChars`, from the start of a line when it had to be cut. */
  text(): string {
    const all = this.pieces.slice(this.first).join('');
    if (all.length <= this.limitChars) return all;
    return all.slice(all.indexOf('\n', all.length - this.limitChars) + 1);
  }
}
