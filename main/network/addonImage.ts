// The image the cluster add-on runs on: a stock Node.js image, pulled once on
// users' machines (the add-on's program is PodLab's own, copied in at
// creation). `npm run test:setup` imports a local stand-in under this name.

export const ADDON_IMAGE = 'node:22-alpine';
