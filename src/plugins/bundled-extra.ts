/**
 * Registers the traffic, transformation, observability and logging plugins (and their Admin
 * API endpoints and status listener). The composition root imports this file once.
 */
import './correlation-id/index.js';
import './cors/index.js';
import './request-transformer/index.js';
import './response-transformer/index.js';
import './proxy-cache/index.js';
import './prometheus/index.js';
import './http-log/index.js';
import './file-log/index.js';
