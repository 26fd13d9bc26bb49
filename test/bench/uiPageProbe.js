// Runs inside the UI page before its own scripts (page.addInitScript), so it
// is plain JavaScript: tsx compiles the benchmark's TypeScript with esbuild's
// keepNames, whose helper calls break functions serialized into a page.
//
// It records what the user would feel: long tasks (the PerformanceObserver
// 'longtask' entries, 50 ms and more on the main thread) and the time of
// every animation frame (a gap between two is a stall, rendering included). It taps the page's WebSocket
// to learn the id of the log stream the Logs tab starts, and can then deliver
// log lines at a fixed rate as that stream's messages, through the same
// socket listener the real server's messages reach. The Logs tab's refs are found through React's
// fiber of its terminal: the xterm.js instance, to count the lines it has
// actually parsed, and the tab's own copy of the log, to check afterwards
// that every numbered line arrived once and in order.

(() => {
  const probe = {
    longTasks: [],
    frames: [],
    sockets: [],
    logStreamIds: [],
    serverLogLines: 0,
    /** [Date.now(), lines] for every message of the real log stream: when the server's lines arrived. */
    serverLogArrivals: [],
    watchMessages: 0,
    watchChanges: 0,
    /** The watches the page holds open: watchId → what it selects (resource plural and selectors). */
    openWatches: new Map(),
    /** watch.start calls not answered yet: call id → what they select. */
    startingWatches: new Map(),
    /** While set, every message in and out of the page's WebSockets: [performance.now(), 'in'|'out', its first 80 characters, its length]. */
    traffic: undefined,
    /** performance.now() of the latest `change` event (a <select> picked), once armChange() was called. */
    changedAt: 0,
    fedLines: 0,
    terminal: undefined,
    injected: new WeakSet(),
    logMessages: [],
  };
  window.__podlabBench = probe;

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  const onFrame = (time) => {
    probe.frames.push(time);
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);

  const countLines = (text) => {
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };

  const NativeWebSocket = window.WebSocket;
  class TappedWebSocket extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      probe.sockets.push(this);
      this.addEventListener('message', (event) => {
        const data = String(event.data);
        probe.traffic?.push([performance.now(), 'in', data.slice(0, 80), data.length]);
        // Cheap prefix tests only: parsing every pod watch batch a second time would add to the long tasks measured.
        if (data.startsWith('{"id"') && data.includes('"watchId"')) {
          const message = JSON.parse(data);
          const what = probe.startingWatches.get(message.id);
          if (what && message.result?.watchId) probe.openWatches.set(message.result.watchId, what);
          probe.startingWatches.delete(message.id);
        } else if (data.startsWith('{"id"') && data.includes('"streamId"')) {
          const streamId = JSON.parse(data).result?.streamId;
          if (streamId) probe.logStreamIds.push(streamId);
        } else if (data.startsWith('{"event":"logs"')) {
          // Kept as they came, parsed only when asked for (numberedLinesReceived): no work added while measuring.
          probe.logMessages.push(data);
          if (probe.injected.has(event)) return;
          const lines = countLines(JSON.parse(data).payload?.data ?? '');
          probe.serverLogLines += lines;
          probe.serverLogArrivals.push([Date.now(), lines]);
        } else if (data.startsWith('{"event":"watch"')) {
          probe.watchMessages++;
          for (let i = data.indexOf('"type":"MODIFIED"'); i !== -1; i = data.indexOf('"type":"MODIFIED"', i + 1)) probe.watchChanges++;
        }
      });
    }
  }
  window.WebSocket = TappedWebSocket;
  const nativeSend = NativeWebSocket.prototype.send;
  NativeWebSocket.prototype.send = function (data) {
    probe.traffic?.push([performance.now(), 'out', String(data).slice(0, 80), String(data).length]);
    if (typeof data === 'string' && data.includes('"call":"watch.')) {
      const message = JSON.parse(data);
      const r = message.request ?? {};
      if (message.call === 'watch.start') probe.startingWatches.set(message.id, [r.resource?.plural, r.namespace, r.labelSelector, r.fieldSelector].filter(Boolean).join(' '));
      else if (message.call === 'watch.stop') probe.openWatches.delete(r.watchId);
    }
    return nativeSend.call(this, data);
  };

  /** Records the time of the next change event (capture phase: before React's handler runs). */
  probe.armChange = () => {
    probe.changedAt = 0;
    document.addEventListener('change', () => (probe.changedAt = performance.now()), { capture: true, once: true });
  };

  /** The time of the first animation frame at which `ready()` holds: what the user sees, to a frame. */
  probe.firstFrameWhen = (ready, timeoutMs = 60000) =>
    new Promise((resolve, reject) => {
      const until = performance.now() + timeoutMs;
      const check = (time) => {
        if (ready()) return resolve(time);
        if (time > until) return reject(new Error('timed out'));
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });

  /** Scrolls `selector` by `pxPerFrame` every frame for `ms` (down, then back up at the end): a user flinging through a long list. */
  probe.scrollFor = (selector, ms, pxPerFrame) =>
    new Promise((resolve) => {
      const element = document.querySelector(selector);
      const started = performance.now();
      let direction = 1;
      const step = (time) => {
        if (!element || time - started >= ms) return resolve({ started, ended: performance.now(), scrollHeight: element ? element.scrollHeight : 0 });
        if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) direction = -1;
        else if (element.scrollTop <= 0) direction = 1;
        element.scrollTop += direction * pxPerFrame;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });

  /** The first value held by a useRef of the Logs tab (or another ancestor of its terminal) that `wanted` accepts. */
  const logsTabRef = (wanted) => {
    const element = document.querySelector('[aria-label="Log output"]');
    if (!element) return undefined;
    const fiberKey = Object.keys(element).find((k) => k.startsWith('__reactFiber$'));
    for (let fiber = fiberKey ? element[fiberKey] : undefined; fiber; fiber = fiber.return) {
      for (let hook = fiber.memoizedState; hook && typeof hook === 'object' && 'next' in hook; hook = hook.next) {
        const value = hook.memoizedState;
        if (value && typeof value === 'object' && 'current' in value && wanted(value.current)) return value.current;
      }
    }
    return undefined;
  };

  /** Hooks onto the xterm.js Terminal the Logs tab writes to (its `handle` ref holds { term, search, fit }). */
  probe.attachTerminal = () => {
    const term = logsTabRef((v) => v && typeof v === 'object' && v.term)?.term;
    if (!term) return false;
    if (probe.terminal !== term) {
      probe.terminal = term;
      term.onLineFeed(() => probe.fedLines++);
    }
    return true;
  };

  /**
   * The numbered lines in `text`: how many, the first and last number, how
   * many numbers are missing (lines lost) or came again (lines repeated), and
   * where the sequence first broke.
   */
  const numbered = (text) => {
    const found = { count: 0, first: -1, last: -1, missing: 0, repeated: 0, breaks: [] };
    for (const match of text.matchAll(/bench line (\d+):/g)) {
      const n = Number(match[1]);
      if (found.count > 0 && n !== found.last + 1) {
        if (n > found.last) found.missing += n - found.last - 1;
        else found.repeated += found.last - n + 1;
        if (found.breaks.length < 5) found.breaks.push(`${found.last} then ${n}`);
      }
      if (found.count === 0) found.first = n;
      found.last = n;
      found.count++;
    }
    return found;
  };

  /** What the terminal's buffer holds (up to its scrollback), wrapped rows joined again. */
  probe.numberedLinesShown = () => {
    const buffer = probe.terminal?.buffer.active;
    let text = '';
    for (let y = 0; buffer && y < buffer.length; y++) {
      const line = buffer.getLine(y);
      if (line) text += (line.isWrapped || y === 0 ? '' : '\n') + line.translateToString(true);
    }
    return numbered(text);
  };

  /**
   * Every line that reached the Logs tab's stream, injected or from the server. The kept messages are let go
   * once counted, so that the page's heap measured after is the app's alone.
   */
  probe.numberedLinesReceived = () => {
    const found = numbered(probe.logMessages.map((data) => JSON.parse(data).payload?.data ?? '').join(''));
    probe.logMessages = [];
    return found;
  };

  /** Counts DOM changes under `selector` until the returned function is called: proof that a view really updated. */
  probe.countMutations = (selector) => {
    const target = document.querySelector(selector);
    probe.mutations = 0;
    const observer = new MutationObserver((records) => (probe.mutations += records.length));
    if (target) observer.observe(target, { subtree: true, childList: true, characterData: true, attributes: true });
    probe.stopMutations = () => {
      observer.disconnect();
      return probe.mutations;
    };
    return !!target;
  };

  /**
   * Blocks the main thread for `ms` in a task of its own: the bench checks
   * that such a task is observed before trusting "no long tasks". (Script
   * run by page.evaluate itself is not reported as a long task.)
   */
  probe.busySoon = (ms) => {
    setTimeout(() => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    }, 0);
  };

  /**
   * Delivers `perSecond` numbered log lines for `ms` milliseconds as messages
   * of the latest log stream, paced by the clock (each tick sends what is
   * due), the way chunks arrive from the server.
   */
  probe.driveLogs = async (perSecond, ms) => {
    const socket = probe.sockets[probe.sockets.length - 1];
    const streamId = probe.logStreamIds[probe.logStreamIds.length - 1];
    if (!socket || !streamId) throw new Error('no log stream to drive');
    const started = performance.now();
    let sent = 0;
    let messages = 0;
    for (;;) {
      const elapsed = performance.now() - started;
      const due = Math.floor((Math.min(elapsed, ms) / 1000) * perSecond);
      if (due > sent) {
        let data = '';
        const stamp = new Date().toISOString();
        for (; sent < due; sent++) data += `${stamp} bench line ${String(sent).padStart(7, '0')}: GET /api/items?page=${sent % 97} 200 12ms bytes=${(sent * 7919) % 65536}\n`;
        const event = new MessageEvent('message', { data: JSON.stringify({ event: 'logs', payload: { streamId, data } }) });
        probe.injected.add(event);
        socket.dispatchEvent(event);
        messages++;
      }
      if (elapsed >= ms) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { sent, messages, started, ended: performance.now() };
  };
})();
