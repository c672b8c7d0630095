import type { ProxyRequest } from '../../proxy/pipeline/request-state.js';
import type { PdkClient, Row } from '../types.js';

/** kong.client: who is calling, and who they authenticated as. */
export class ClientPdk implements PdkClient {
  constructor(private readonly r: ProxyRequest) {}

  getIp() {
    return this.r.clientIp;
  }
  getForwardedIp() {
    return this.r.clientIp;
  }
  getPeerIp() {
    return this.r.peerIp;
  }
  getPort() {
    return this.r.peerPort;
  }
  getForwardedPort() {
    return this.r.peerPort;
  }
  authenticate(consumer: Row | null, credential: Row | null) {
    // Kong's consumer-scoped plugin lookup reads ctx.authenticated_consumer as the chain is walked.
    this.r.consumer = consumer;
    this.r.credential = credential;
  }
  getConsumer() {
    return this.r.consumer;
  }
  getCredential() {
    return this.r.credential;
  }
  getProtocol() {
    return this.r.scheme;
  }
  getSni() {
    return this.r.sni;
  }
}
