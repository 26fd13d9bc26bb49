// Cell formatting the printers share: container names and images of a pod
// template, and the "a,b,c + 2 more..." lists.

import type { JsonObject } from './json.ts';
import { objectsAt, stringAt } from './json.ts';

/** layoutContainerCells: names and images of a template's containers, comma-joined. */
export function containerCells(podSpec: JsonObject | undefined): [string, string] {
  const containers = objectsAt(podSpec, 'containers');
  return [containers.map((c) => stringAt(c, 'name')).join(','), containers.map((c) => stringAt(c, 'image')).join(',')];
}

/** listWithMoreString: at most `max` items, then `+ N more...`; `<unset>` when empty. */
export function listWithMore(items: string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}
