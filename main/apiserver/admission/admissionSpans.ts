// The admission chain run for a request that creates a pod: each plugin is
// timed, and kept as a span of the pod's journey when it did something worth
// seeing (changed the pod, warned, refused). Plugins that record their own
// spans (each webhook call, each policy, Pod Security) are not recorded
// twice. Unchanged plugins leave no span: most of the chain passes a pod by.

import type { RequestJourney } from '../../kube/trace/requestJourney.ts';
import { UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';
import { deepCopy } from '../../kube/deepCopy.ts';
import { changedPaths } from './jsonChanges.ts';

/** Runs the mutating plugins, noting which of them changed the object and where. */
export async function tracedMutate(plugins: AdmissionPlugin[], attrs: AdmissionAttributes, journey: RequestJourney): Promise<void> {
  // A copy of the object as it was, compared with it after each plugin that may have changed it, and copied
  // again only when one did (a copy and a walk cost less than serializing it after each plugin and parsing it
  // back). Plugins that answer UNTOUCHED (most of them, for a pod) are not compared.
  let previous = attrs.object ? deepCopy(attrs.object) : undefined;
  for (let i = 0; i < plugins.length; i++) {
    const plugin = plugins[i]!;
    if (!plugin.mutate) continue;
    const traced = runTraced(plugin, 'mutating', attrs, journey, () => plugin.mutate!(attrs), (outcome) => {
      if (outcome === UNTOUCHED || previous === undefined || !attrs.object) return undefined;
      const { paths, more } = changedPaths(previous, attrs.object);
      if (paths.length === 0) return undefined;
      previous = deepCopy(attrs.object);
      return `${paths.join(', ')}${more ? ` and ${more} more` : ''}`;
    });
    if (traced instanceof Promise) await traced;
  }
}

export async function tracedValidate(plugins: AdmissionPlugin[], attrs: AdmissionAttributes, journey: RequestJourney): Promise<void> {
  for (let i = 0; i < plugins.length; i++) {
    const plugin = plugins[i]!;
    if (!plugin.validate) continue;
    const traced = runTraced(plugin, 'validating', attrs, journey, () => plugin.validate!(attrs), () => undefined);
    if (traced instanceof Promise) await traced;
  }
}

/** Runs one plugin and keeps its span if it did something worth seeing; answers at once when the plugin does (most do). */
function runTraced(
  plugin: AdmissionPlugin,
  phase: 'mutating' | 'validating',
  attrs: AdmissionAttributes,
  journey: RequestJourney,
  run: () => Promise<MutationOutcome> | MutationOutcome,
  changes: (outcome: MutationOutcome) => string | undefined,
): void | Promise<void> {
  const spansBefore = journey.spans.length + journey.droppedSpans;
  const warningsBefore = attrs.warnings?.length ?? 0;
  // The span is made only when it is kept (a refusal, a change, a warning): most plugins pass a pod by.
  const startMs = journey.now();
  const span = () => journey.start('admission', `${phase} ${plugin.name}`, { plugin: plugin.name, phase }, startMs);
  const recordedItself = () => journey.spans.length + journey.droppedSpans > spansBefore;
  const failed = (err: unknown): never => {
    if (!recordedItself()) span().fail(err);
    throw err;
  };
  const finish = (outcome: MutationOutcome): void => {
    const changed = changes(outcome);
    const warned = (attrs.warnings?.length ?? 0) > warningsBefore;
    if (recordedItself() || (!changed && !warned)) return;
    const warnings = attrs.warnings!.slice(warningsBefore);
    span().end({ attributes: { changed, warnings: warned ? warnings.join('; ') : undefined } });
  };
  let ran: Promise<MutationOutcome> | MutationOutcome;
  try {
    ran = run();
  } catch (err) {
    return failed(err);
  }
  if (ran instanceof Promise) return ran.then(finish, failed);
  finish(ran);
}
