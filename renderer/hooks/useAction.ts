// One user action at a time on one thing (a node, a cluster, a form): which
// action is under way, so its button can say so, and the error it ended with.

import { useState } from 'react';
import type { BridgeErrorInfo } from '../../preload/api.ts';
import { errorInfo } from '../bridge.ts';

export interface ActionState {
  /** The action under way ("stop", "remove"), if any. */
  pending?: string;
  error?: BridgeErrorInfo;
  /** Runs `work` as `name`; resolves true when it succeeded. `onSettled` runs either way (a list to refresh). */
  run(name: string, work: () => Promise<unknown>): Promise<boolean>;
}

export function useAction(onSettled?: () => void): ActionState {
  const [pending, setPending] = useState<string>();
  const [error, setError] = useState<BridgeErrorInfo>();
  const run = async (name: string, work: () => Promise<unknown>) => {
    setPending(name);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (err) {
      setError(errorInfo(err));
      return false;
    } finally {
      setPending(undefined);
      onSettled?.();
    }
  };
  return { pending, error, run };
}
