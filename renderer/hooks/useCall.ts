// One bridge call's result for a component, re-run when its inputs change.

import { useCallback, useEffect, useState } from 'react';
import type { BridgeErrorInfo } from '../../preload/api.ts';
import { errorInfo } from '../bridge.ts';

export interface CallState<T> {
  value?: T;
  error?: BridgeErrorInfo;
  loading: boolean;
  reload: () => void;
}

export function useCall<T>(run: () => Promise<T>, deps: unknown[]): CallState<T> {
  const [state, setState] = useState<Omit<CallState<T>, 'reload'>>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (value) => current && setState({ value, loading: false }),
      (err) => current && setState({ error: errorInfo(err), loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);
  return { ...state, reload };
}
