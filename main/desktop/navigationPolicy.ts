// The window never navigates and never opens windows. A link to a Service on
// this machine opens in the system browser; everything else is dropped.

import { isLocalServiceUrl } from '../ui/localUrl.ts';

export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isLocalServiceUrl(url) };
}

export function mayNavigate(_url: string): boolean {
  return false;
}
