// Names that address an object in a request path. Kubernetes refuses the
// ones that are not a single path segment where it builds the storage key
// (k8s.io/apimachinery/pkg/api/validation/path IsValidPathSegmentName), so
// `.../configmaps/..` or a name with an encoded `/` never addresses anything
// but a ConfigMap of that exact name: a 400 in its words.

import { errors } from './errors.ts';

const mayNotBe = ['.', '..'];
const mayNotContain = ['/', '%'];

export function pathSegmentNameProblems(name: string): string[] {
  const exact = mayNotBe.find((illegal) => name === illegal);
  if (exact) return [`may not be '${exact}'`];
  return mayNotContain.filter((illegal) => name.includes(illegal)).map((illegal) => `may not contain '${illegal}'`);
}

/** Throws kube-apiserver's 400 for a name that is not one path segment. */
export function checkPathSegmentName(name: string): void {
  const problems = pathSegmentNameProblems(name);
  if (problems.length > 0) throw errors.badRequest(`Name parameter invalid: ${JSON.stringify(name)}: ${problems.join(';')}`);
}
