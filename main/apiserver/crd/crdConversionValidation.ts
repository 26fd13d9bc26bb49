// validateCustomResourceConversion: the conversion strategy, and for Webhook
// its client config (a URL or a service, as util/webhook validates them) and
// the ConversionReview versions it speaks. Paths are the internal version's
// (`spec.conversion.webhookClientConfig.url`), as kube-apiserver reports them.

import type { FieldError } from '../../kube/meta.ts';
import { forbidden, invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { GoValue, goStringSlice } from '../validation/goSyntax.ts';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum } from '../validation/names.ts';
import type { InternalSpec } from './crdInternalSpec.ts';
import type { ServiceReference } from './types.ts';

/** The ConversionReview versions the previous API server release understands. */
const acceptedReviewVersions = ['v1', 'v1beta1'];

/** Go's url.Parse, for the parts webhook validation looks at. */
function parseUrl(raw: string): { scheme: string; user?: string; host: string; query: string; fragment: string } {
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let scheme = '';
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1].toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let host = '';
  let user: string | undefined;
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split('/')[0];
    const at = authority.lastIndexOf('@');
    if (at >= 0) user = authority.slice(0, at);
    host = at >= 0 ? authority.slice(at + 1) : authority;
  }
  return { scheme, user, host, query, fragment };
}

/** ValidateWebhookURL with forceHttps. */
export function validateWebhookURL(path: string, url: string): FieldError[] {
  const form = '; desired format: https://host[/path]';
  const errs: FieldError[] = [];
  const u = parseUrl(url);
  if (u.scheme !== 'https') errs.push(invalid(path, u.scheme, `'https' is the only allowed URL scheme${form}`));
  if (u.host.length === 0) errs.push(invalid(path, u.host, `host must be provided${form}`));
  if (u.user !== undefined) errs.push(invalid(path, u.user, 'user information is not permitted in the URL'));
  if (u.fragment.length > 0) errs.push(invalid(path, u.fragment, 'fragments are not permitted in the URL'));
  if (u.query.length > 0) errs.push(invalid(path, u.query, 'query parameters are not permitted in the URL'));
  return errs;
}

/** ValidateWebhookService (the port is defaulted to 443 before). */
export function validateWebhookService(path: string, service: ServiceReference): FieldError[] {
  const errs: FieldError[] = [];
  if (!service.name) errs.push(required(`${path}.name`, 'service name is required'));
  if (!service.namespace) errs.push(required(`${path}.namespace`, 'service namespace is required'));
  const portErrs = isValidPortNum(service.port ?? 443);
  if (portErrs.length > 0) errs.push(invalid(`${path}.port`, service.port, `port is not valid: ${portErrs.join(', ')}`));
  const urlPath = service.path;
  if (urlPath === undefined || urlPath === '/' || urlPath === '') return errs;
  if (urlPath === '//') return [...errs, invalid(`${path}.path`, urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) errs.push(invalid(`${path}.path`, urlPath, "must start with a '/'"));
  let toCheck = urlPath.slice(1);
  if (toCheck.endsWith('/')) toCheck = toCheck.slice(0, -1);
  toCheck.split('/').forEach((step, i) => {
    if (step.length === 0) errs.push(invalid(`${path}.path`, urlPath, `segment[${i}] may not be empty`));
    else for (const failure of isDNS1123Subdomain(step)) errs.push(invalid(`${path}.path`, urlPath, `segment[${i}]: ${failure}`));
  });
  return errs;
}

function validateReviewVersions(versions: string[] | undefined, requireRecognized: boolean, path: string): FieldError[] {
  if (!versions || versions.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let recognized = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalid(`${path}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const msg of isDNS1035Label(v)) errs.push(invalid(`${path}[${i}]`, v, msg));
    if (acceptedReviewVersions.includes(v)) recognized = true;
  });
  if (requireRecognized && !recognized) errs.push(invalid(path, new GoValue(goStringSlice(versions)), `must include at least one of ${acceptedReviewVersions.join(', ')}`));
  return errs;
}

/** Whether a list of review versions is empty or names one this server understands (update keeps an old unrecognized list). */
export function hasRecognizedReviewVersionOrEmpty(versions: string[] | undefined): boolean {
  return !versions || versions.length === 0 || versions.some((v) => acceptedReviewVersions.includes(v));
}

export function validateConversion(conversion: InternalSpec['conversion'], requireRecognizedReviewVersion: boolean): FieldError[] {
  if (!conversion) return [];
  const path = 'spec.conversion';
  const errs: FieldError[] = [];
  if (!conversion.strategy) errs.push(required(`${path}.strategy`));
  else if (conversion.strategy !== 'None' && conversion.strategy !== 'Webhook') errs.push(notSupported(`${path}.strategy`, conversion.strategy, ['None', 'Webhook']));
  const config = conversion.webhookClientConfig;
  if (conversion.strategy === 'Webhook') {
    if (!config) errs.push(required(`${path}.webhookClientConfig`, 'required when strategy is set to Webhook'));
    else if ((config.url === undefined) === (config.service === undefined)) errs.push(required(`${path}.webhookClientConfig`, 'exactly one of url or service is required'));
    else if (config.url !== undefined) errs.push(...validateWebhookURL(`${path}.webhookClientConfig.url`, config.url));
    else errs.push(...validateWebhookService(`${path}.webhookClientConfig.service`, config.service!));
    errs.push(...validateReviewVersions(conversion.conversionReviewVersions, requireRecognizedReviewVersion, `${path}.conversionReviewVersions`));
  } else {
    if (config) errs.push(forbidden(`${path}.webhookClientConfig`, 'should not be set when strategy is not set to Webhook'));
    if ((conversion.conversionReviewVersions?.length ?? 0) > 0) errs.push(forbidden(`${path}.conversionReviewVersions`, 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}
