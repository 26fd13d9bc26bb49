// The only external pages PodLab opens: a Service reached on this machine.
// Anything else a page asks to open could be an attacker's link.

export function isLocalServiceUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]') && url.username === '' && url.password === '';
}
