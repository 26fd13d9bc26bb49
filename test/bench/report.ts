// REPORT.md is one document of `## ` sections. A run of some sections
// (`npm run bench -- ui`) replaces just those, so the report never loses the
// others; each section keeps its own run line.

function split(markdown: string): { head: string; sections: Map<string, string> } {
  const parts = markdown.split(/^(?=## )/m);
  const head = parts[0].startsWith('## ') ? '' : parts.shift()!;
  return { head, sections: new Map(parts.map((p) => [p.split('\n', 1)[0].trim(), p])) };
}

export function mergeReport(existing: string | undefined, fresh: string): string {
  if (!existing) return fresh;
  const old = split(existing);
  const next = split(fresh);
  const runLine = next.head.split('\n').find((l) => l.startsWith('Run ')) ?? '';
  const merged = new Map(old.sections);
  for (const [title, body] of next.sections) {
    merged.set(title, body.replace(/^(## [^\n]*\n)/, runLine ? `$1\n_${runLine.replace(/\.$/, '')} (this section)._\n` : '$1'));
  }
  return `${old.head}${[...merged.values()].join('')}`;
}
