// Parts of the window loaded on first use: the terminals (xterm.js) and the
// YAML editors (the yaml parser) are a third of the renderer's code, and the
// window starts without them (a new window on a starting cluster spent most
// of its first second compiling the whole bundle). A part that cannot be
// loaded (files rebuilt under an open window) says so instead of blanking
// the window.

import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';

export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>, what: string): ComponentType<P> {
  const Loaded = lazy(async () => {
    try {
      return { default: await load() };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const Failed = () => (
        <div className="error-box" role="alert">
          <div className="error-message">{`The ${what} could not be loaded (${message}). Reload the window.`}</div>
        </div>
      );
      return { default: Failed as ComponentType<P> };
    }
  });
  return function LazyPart(props: P): ReactNode {
    return (
      <Suspense fallback={<p className="muted">Loading the {what}…</p>}>
        <Loaded {...props} />
      </Suspense>
    );
  };
}
