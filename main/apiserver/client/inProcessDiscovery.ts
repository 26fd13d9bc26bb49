// Discovery for components in PodLab's own process: the aggregated discovery
// documents kubectl reads from /api and /apis, built by the same Discovery
// the HTTPS front serves, authorized as those paths are.

import type { ApiGroupDiscovery, DiscoveryClient } from '../../kube/client/discovery.ts';
import { ApiError } from '../../kube/client/types.ts';
import type { Authorizer } from '../auth/authorizer.ts';
import { forbiddenError } from '../auth/forbidden.ts';
import type { UserInfo } from '../auth/user.ts';
import type { Discovery } from '../discovery.ts';

export class InProcessDiscovery implements DiscoveryClient {
  constructor(
    private readonly discovery: Discovery,
    private readonly authorizer: Authorizer,
    private readonly user: UserInfo,
  ) {}

  private async document(path: '/api' | '/apis'): Promise<ApiGroupDiscovery[]> {
    const attrs = { user: this.user, verb: 'get', path, isResourceRequest: false };
    const decision = await this.authorizer.authorize(attrs);
    if (!decision.allowed) throw new ApiError(forbiddenError(attrs, decision.reason).status);
    const text = this.discovery.document(path, 'v2');
    return text ? (JSON.parse(text) as { items: ApiGroupDiscovery[] }).items : [];
  }

  async groups(): Promise<ApiGroupDiscovery[]> {
    return [...(await this.document('/api')), ...(await this.document('/apis'))];
  }
}
