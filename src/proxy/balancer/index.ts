/** Public face of the balancer: one Balancer per upstream, built from a config snapshot. */
export { createBalancer } from './balancer.js';
export { defaultHealthchecks, normalizeUpstream, usesHealthchecks } from './defaults.js';
export { peerKey, parseTarget, normalizeTargetRef, DEFAULT_TARGET_PORT } from './target-address.js';
export { NO_PEER_MESSAGE } from './messages.js';
export type * from './types.js';
