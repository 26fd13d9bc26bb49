// The MutatingAdmissionWebhook plugin: the matching webhooks of every
// MutatingWebhookConfiguration, one after the other (configurations by name,
// then webhook order), each JSONPatch answer applied to the object before
// the next call. A webhook with reinvocationPolicy IfNeeded is called once
// more when a webhook after it changed the object, as kube-apiserver's
// reinvocation does.

import type { KubeObject } from '../../../kube/meta.ts';
import { deepEqual } from '../../../kube/deepEqual.ts';
import { errors } from '../../errors.ts';
import { applyJsonPatch } from '../../patch/jsonPatch.ts';
import type { JsonValue } from '../../patch/json.ts';
import { UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from '../admission.ts';
import { admissionRequest, admissionView, isAdmissionConfigurationResource } from '../admissionRequest.ts';
import { callFailure, checkDryRun, failureIgnored, invokeWebhook, matchConditionsAllow, matchWebhook, rejection, WebhookFailure, type WebhookServices } from './webhookInvocation.ts';
import { configuredWebhooks, type ConfigurationLister, type ConfiguredWebhook } from './webhookSource.ts';
import { webhookCallSpan } from './webhookSpans.ts';

export class MutatingWebhookPlugin implements AdmissionPlugin {
  readonly name = 'MutatingAdmissionWebhook';

  constructor(
    private readonly configurations: ConfigurationLister,
    private readonly services: WebhookServices,
  ) {}

  mutate(attrs: AdmissionAttributes): MutationOutcome | Promise<MutationOutcome> {
    if (isAdmissionConfigurationResource(attrs)) return UNTOUCHED;
    // With none configured (most writes), the answer comes at once.
    const hooks = configuredWebhooks(this.configurations);
    if (hooks instanceof Promise) return hooks.then((found) => (found.length === 0 ? UNTOUCHED : this.callAll(found, attrs)));
    return hooks.length === 0 ? UNTOUCHED : this.callAll(hooks, attrs);
  }

  private async callAll(hooks: readonly ConfiguredWebhook[], attrs: AdmissionAttributes): Promise<MutationOutcome> {
    const previouslyInvoked = new Set<string>();
    const reinvoke = new Set<string>();
    for (const webhook of hooks) {
      const changed = await this.run(webhook, attrs);
      // A change sends every IfNeeded webhook called before it round once more.
      if (changed) for (const key of previouslyInvoked) reinvoke.add(key);
      if (webhook.hook.reinvocationPolicy === 'IfNeeded') previouslyInvoked.add(webhook.key);
    }
    for (const webhook of hooks) if (reinvoke.has(webhook.key)) await this.run(webhook, attrs, true);
  }

  /** Calls one webhook if it matches; whether it changed the object. */
  private async run({ hook, configuration }: ConfiguredWebhook, attrs: AdmissionAttributes, reinvocation = false): Promise<boolean> {
    const source = { configuration, configurationKind: 'MutatingWebhookConfiguration' } as const;
    const requested = admissionView(attrs);
    let span: ReturnType<typeof webhookCallSpan>;
    try {
      const view = await matchWebhook(hook, requested, attrs.resource, this.services);
      if (!view) return false;
      const request = admissionRequest(attrs, view, requested);
      if (!matchConditionsAllow(hook, request)) return false;
      checkDryRun(hook, attrs);
      span = webhookCallSpan(attrs.journey, 'mutating', hook, configuration, reinvocation);
      const answer = await invokeWebhook(hook, request, true, this.services);
      attrs.warnings?.push(...answer.warnings);
      if (!answer.allowed) throw rejection(hook, answer.status, source);
      if (!answer.patch || !view.object) {
        span?.end({ attributes: { allowed: true, patched: false } });
        return false;
      }
      let patched: KubeObject;
      try {
        patched = applyJsonPatch(view.object as unknown as JsonValue, answer.patch) as unknown as KubeObject;
      } catch (err) {
        throw errors.internal((err as Error).message);
      }
      if (deepEqual(patched, view.object)) {
        span?.end({ attributes: { allowed: true, patched: false } });
        return false;
      }
      span?.patched(answer.patch, view.object, patched);
      view.writeBack(patched);
      return true;
    } catch (err) {
      if (err instanceof WebhookFailure) {
        const ignored = failureIgnored(hook);
        span?.failed(err, ignored);
        if (ignored) return false;
        throw callFailure(hook, err, source);
      }
      span?.failed(err, false);
      throw err;
    }
  }
}
