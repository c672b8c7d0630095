/** Kong's 503 body when the balancer has no peer to offer (runloop/balancer/init.lua). */
export const NO_PEER_MESSAGE = 'failure to get a peer from the ring-balancer';
