// A bridge call repeated while the component is shown, for host state that
// no watch reports (node containers started or stopped from a shell). The
// last answer stays while a poll fails, so a hiccup does not empty the view.

import { useCallback, useEffect, useState } from 'react';
import type { BridgeErrorInfo } from '../../preload/api.ts';
import { errorInfo } from '../bridge.ts';

export interface PolledCall<T> {
  value?: T;
  error?: BridgeErrorInfo;
  /** Asks again now (after an action), without waiting for the next tick. */
  refresh: () => void;
}

export function usePolledCall<T>(run: () => Promise<T>, intervalMs: number, deps: unknown[]): PolledCall<T> {
  const [state, setState] = useState<{ value?: T; error?: BridgeErrorInfo }>({});
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The next poll waits for this one's answer, so slow answers never pile up.
    const poll = () =>
      run().then(
        (value) => current && setState({ value }),
        (err) => current && setState((s) => ({ value: s.value, error: errorInfo(err) })),
      ).finally(() => {
        if (current) timer = setTimeout(poll, intervalMs);
      });
    void poll();
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, intervalMs, generation]);
  return { ...state, refresh };
}
