// Turns apply outcomes into marks on the lines of the YAML that caused them.

import type { ApplyOutcome } from '../preload/api.ts';
import type { LineMark } from './components/YamlEditor.tsx';
import { documentLine, fieldLine } from './fieldLocation.ts';

export function applyMarks(yamlText: string, outcomes: ApplyOutcome[]): LineMark[] {
  const marks: LineMark[] = [];
  for (const outcome of outcomes) {
    if (!outcome.error) continue;
    const causes = (outcome.error.status?.details?.causes ?? []).filter((c) => c.field);
    for (const cause of causes) {
      const line = fieldLine(yamlText, outcome.document, cause.field!);
      if (line) marks.push({ line, message: `${cause.field}: ${cause.message ?? cause.reason ?? ''}` });
    }
    if (causes.length === 0) {
      const at = /line (\d+)/.exec(outcome.error.message);
      const line = at ? Number(at[1]) : documentLine(yamlText, outcome.document);
      if (line) marks.push({ line, message: outcome.error.message });
    }
  }
  return marks;
}
