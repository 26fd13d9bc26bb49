// The ValidatingAdmissionWebhook plugin: the matching webhooks of every
// ValidatingWebhookConfiguration, called in parallel once the object is final
// (after mutation and validation); any refusal refuses the request, failures
// to call follow each webhook's failurePolicy.

import type { AdmissionAttributes, AdmissionPlugin } from '../admission.ts';
import { admissionRequest, admissionView, isAdmissionConfigurationResource } from '../admissionRequest.ts';
import { callFailure, checkDryRun, failureIgnored, invokeWebhook, matchConditionsAllow, matchWebhook, rejection, WebhookFailure, type WebhookServices } from './webhookInvocation.ts';
import { configuredWebhooks, type ConfigurationLister, type ConfiguredWebhook } from './webhookSource.ts';
import { webhookCallSpan } from './webhookSpans.ts';

export class ValidatingWebhookPlugin implements AdmissionPlugin {
  readonly name = 'ValidatingAdmissionWebhook';

  constructor(
    private readonly configurations: ConfigurationLister,
    private readonly services: WebhookServices,
  ) {}

  validate(attrs: AdmissionAttributes): void | Promise<void> {
    if (isAdmissionConfigurationResource(attrs)) return;
    // With none configured (most writes), the answer comes at once.
    const hooks = configuredWebhooks(this.configurations);
    if (hooks instanceof Promise) return hooks.then((found) => (found.length === 0 ? undefined : this.callAll(found, attrs)));
    if (hooks.length > 0) return this.callAll(hooks, attrs);
  }

  private async callAll(hooks: readonly ConfiguredWebhook[], attrs: AdmissionAttributes): Promise<void> {
    const outcomes = await Promise.allSettled(hooks.map((webhook) => this.run(webhook, attrs)));
    // Every webhook was heard; the first refusal in webhook order is the answer.
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  }

  private async run({ hook, configuration }: ConfiguredWebhook, attrs: AdmissionAttributes): Promise<void> {
    const source = { configuration, configurationKind: 'ValidatingWebhookConfiguration' } as const;
    const requested = admissionView(attrs);
    let span: ReturnType<typeof webhookCallSpan>;
    try {
      const view = await matchWebhook(hook, requested, attrs.resource, this.services);
      if (!view) return;
      const request = admissionRequest(attrs, view, requested);
      if (!matchConditionsAllow(hook, request)) return;
      checkDryRun(hook, attrs);
      span = webhookCallSpan(attrs.journey, 'validating', hook, configuration, false);
      const answer = await invokeWebhook(hook, request, false, this.services);
      attrs.warnings?.push(...answer.warnings);
      if (!answer.allowed) throw rejection(hook, answer.status, source);
      span?.end({ attributes: { allowed: true } });
    } catch (err) {
      if (err instanceof WebhookFailure) {
        const ignored = failureIgnored(hook);
        span?.failed(err, ignored);
        if (ignored) return;
        throw callFailure(hook, err, source);
      }
      span?.failed(err, false);
      throw err;
    }
  }
}
