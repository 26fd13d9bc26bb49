// PodLogOptions from the query of GET pods/NAME/log, validated as
// kube-apiserver's ValidatePodLogOptions does (422 Invalid, one cause per
// field). insecureSkipTLSVerifyBackend is accepted and ignored: there is no
// kubelet connection to verify.

import { errors } from '../../apiserver/errors.ts';
import type { FieldError } from '../../kube/meta.ts';
import { queryBool, queryInt, queryString, queryTime } from '../../apiserver/queryValues.ts';

export interface PodLogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
}

export function parsePodLogOptions(query: URLSearchParams, podName: string): PodLogOptions {
  const options: PodLogOptions = {
    container: queryString(query, 'container'),
    follow: queryBool(query, 'follow'),
    previous: queryBool(query, 'previous'),
    timestamps: queryBool(query, 'timestamps'),
    tailLines: queryInt(query, 'tailLines'),
    limitBytes: queryInt(query, 'limitBytes'),
    sinceSeconds: queryInt(query, 'sinceSeconds'),
    sinceTime: queryTime(query, 'sinceTime'),
  };
  const problems: FieldError[] = [];
  if (options.tailLines !== undefined && options.tailLines < 0) {
    problems.push({ type: 'FieldValueInvalid', field: 'tailLines', value: options.tailLines, detail: 'must be greater than or equal to 0' });
  }
  if (options.limitBytes !== undefined && options.limitBytes < 1) {
    problems.push({ type: 'FieldValueInvalid', field: 'limitBytes', value: options.limitBytes, detail: 'must be greater than 0' });
  }
  if (options.sinceSeconds !== undefined && options.sinceTime) {
    problems.push({ type: 'FieldValueForbidden', field: '', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  } else if (options.sinceSeconds !== undefined && options.sinceSeconds < 1) {
    problems.push({ type: 'FieldValueInvalid', field: 'sinceSeconds', value: options.sinceSeconds, detail: 'must be greater than 0' });
  }
  if (problems.length) throw errors.invalid('PodLogOptions', '', podName, problems);
  return options;
}

/** The earliest time of a line to show, as the kubelet computes it from sinceSeconds or sinceTime. */
export function logsSince(options: PodLogOptions, now: Date): Date | undefined {
  if (options.sinceSeconds !== undefined) return new Date(now.getTime() - options.sinceSeconds * 1000);
  return options.sinceTime;
}
