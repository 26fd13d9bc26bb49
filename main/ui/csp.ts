// The Content-Security-Policy of every page PodLab serves, in the desktop
// window and in browser mode. Scripts come only from the app's own files
// (no inline script, no eval); the only connection allowed is the bridge.
// Styles allow 'unsafe-inline' because xterm.js's DOM renderer writes its
// own <style> elements; styles cannot run code, scripts stay locked down.

export function contentSecurityPolicy(connectSources: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${connectSources.map((s) => ` ${s}`).join('')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
