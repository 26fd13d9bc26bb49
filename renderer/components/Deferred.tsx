// Parts of the UI that a window's first view never draws, loaded the first time
// they are opened: the terminal of the Logs and Shell tabs (xterm.js) and the
// YAML editing and applying views (the yaml parser). They were over half of
// the one script (789 KB) the page compiled and ran before it could draw any
// pod.
// A part that cannot load (the app rebuilt under an open page, its old files
// gone) says so in its place; the rest of the window goes on.

import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { ErrorBox } from './ErrorBox.tsx';

class LoadFailure extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return <ErrorBox error={{ message: `This part of PodLab could not be loaded: ${error.message}` }} next="Reload the window (Ctrl+R, or ⌘R on a Mac): the app was probably rebuilt while it was open." />;
  }
}

/** `load` gives the component; it is fetched when first drawn, with "Loading…" meanwhile. */
export function deferred<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const Loaded = lazy(async () => ({ default: await load() }));
  return function Deferred(props: P) {
    return (
      <LoadFailure>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Loaded {...props} />
        </Suspense>
      </LoadFailure>
    );
  };
}
