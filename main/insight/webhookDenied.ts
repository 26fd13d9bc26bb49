// Refused by an admission webhook: the webhook answered allowed: false. The
// API server passes its message on as is (`admission webhook "NAME" denied
// the request: MESSAGE`), so the finding names the webhook, the
// configuration that sends requests to it and where it runs, quotes its
// message, and says where to look: the configuration, the webhook's logs,
// and the object to change as the message asks.

import type { NextCheck } from '../../preload/api.ts';
import { admissionKubectl } from './admissionCommands.ts';
import { findWebhook, selectorText } from './admissionCluster.ts';
import { isWorkload, refusalEvidence, refusedWrite, type RefusalRule } from './refusalRule.ts';
import { serviceSelector, webhookTarget } from './webhookTarget.ts';

function webhookMessage(message: string): string | undefined {
  return /admission webhook "[^"]+" denied the request: ([\s\S]*)$/.exec(message)?.[1];
}

export const webhookDenied: RefusalRule = (r, cluster) => {
  const cause = r.cause;
  if (cause.stage !== 'webhook' || cause.outcome !== 'denied') return [];
  const found = findWebhook(cluster, cause.webhook, cause.configuration, cause.configurationKind);
  const configuration = cause.configuration ?? found?.configuration;
  const configurationKind = cause.configurationKind ?? found?.configurationKind;
  const target = webhookTarget(cause, found);
  const { selector } = serviceSelector(cluster, target);
  const said = webhookMessage(r.message);
  const mutating = configurationKind === 'MutatingWebhookConfiguration';
  const evidence = [refusalEvidence(r), { label: 'Webhook', text: `${cause.webhook}${configuration ? ` in ${configurationKind ?? 'webhook configuration'} ${configuration}` : ''}${target ? `, reached at ${target.text}` : ''}` }];
  const rules = found?.hook.rules?.map((rule) => `${(rule.operations ?? []).join(',')} ${(rule.resources ?? []).join(',')}${rule.apiGroups?.some((g) => g) ? ` (${rule.apiGroups.filter((g) => g).join(',')})` : ''}`);
  if (rules?.length) evidence.push({ label: 'It is sent', text: rules.join('; ') });
  const namespaceSelector = found?.hook.namespaceSelector as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;
  if (namespaceSelector && (Object.keys(namespaceSelector.matchLabels ?? {}).length || namespaceSelector.matchExpressions?.length)) {
    evidence.push({ label: 'In namespaces matching', text: JSON.stringify(namespaceSelector) });
  }
  const next: NextCheck[] = [];
  if (configuration) next.push({ what: `See which requests the ${configurationKind ?? 'configuration'} sends to the webhook (rules, namespaceSelector, objectSelector, matchConditions)`, command: admissionKubectl.webhookConfiguration(configurationKind, configuration) });
  else next.push({ what: 'Find the configuration that holds the webhook', command: admissionKubectl.webhookConfigurations() });
  if (target?.service && selector) next.push({ what: "Read the webhook's own log of its decision", command: admissionKubectl.logs(target.service.namespace, selectorText(selector)) });
  if (isWorkload(r)) next.push({ what: `Change the ${r.target.kind}'s pod template as the webhook's message asks; the ${r.owner?.kind ?? 'controller'}'s next create is sent to it again`, command: admissionKubectl.getYaml(r.target.resource, r.target.name, r.target.namespace) });
  else next.push({ what: 'With the object changed as the message asks, ask again without creating anything (a dry run reaches webhooks that have no side effects)', command: admissionKubectl.dryRunApply(`${r.target.kind.toLowerCase()}.yaml`) });
  return [
    {
      rule: 'webhook-denied',
      severity: 'error',
      title: `Refused by admission webhook "${cause.webhook}"`,
      cause:
        `The ${mutating ? 'mutating' : configurationKind ? 'validating' : ''}${configurationKind ? ' ' : ''}webhook "${cause.webhook}"${configuration ? ` (${configurationKind ?? 'configuration'} ${configuration})` : ''} was sent ${refusedWrite(r)} and answered allowed: false` +
        (said ? `, saying: ${said}. ` : ' without saying why. ') +
        `The API server refuses what any webhook refuses, with the webhook's own words: ${isWorkload(r) ? `no pod of ${r.target.kind} ${r.target.name} is created until the template satisfies it` : 'the object was not created'}. Change the object as the message asks, or change what the webhook allows (its code or its configuration's rules).`,
      evidence,
      next,
    },
  ];
};
