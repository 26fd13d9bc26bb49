// The renderer is served from a custom, secure, standard scheme
// (`app://podlab/`) rather than file:// — file:// pages share one opaque
// origin with every local file, so "is this PodLab's own page?" could not
// be answered from the URL.

export const appScheme = 'app';
export const appHost = 'podlab';
export const appOrigin = `${appScheme}://${appHost}`;
export const appIndexUrl = `${appOrigin}/index.html`;
