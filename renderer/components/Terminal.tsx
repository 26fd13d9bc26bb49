// xterm.js in a React component: fitted to its box (and refitted when the
// window or the panel changes size), with the search add-on for logs.

import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal as XTerm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';

export interface TerminalHandle {
  term: XTerm;
  search: SearchAddon;
  fit: () => void;
}

export function Terminal({ onReady, onResize, label }: { onReady: (handle: TerminalHandle) => () => void; onResize?: (columns: number, rows: number) => void; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const resizeRef = useRef(onResize);
  resizeRef.current = onResize;
  useEffect(() => {
    const element = box.current!;
    const term = new XTerm({
      convertEol: true,
      scrollback: 50_000,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 13,
      theme: { background: '#0d1117', foreground: '#d6deeb' },
    });
    const fitAddon = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fitAddon);
    term.loadAddon(search);
    term.open(element);
    const fit = () => {
      try {
        fitAddon.fit();
      } catch {
        // Not laid out yet (hidden tab): the next resize fits it.
      }
    };
    fit();
    term.onResize(({ cols, rows }) => resizeRef.current?.(cols, rows));
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    const cleanup = onReady({ term, search, fit });
    return () => {
      cleanup();
      observer.disconnect();
      term.dispose();
    };
    // The terminal lives as long as the component.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return <div className="terminal" ref={box} aria-label={label} />;
}
