/**
 * Registers the access-control plugins: key-auth, basic-auth, acl, rate-limiting,
 * ip-restriction, request-size-limiting. Imported once by the composition root.
 */
import './key-auth/index.js';
import './basic-auth/index.js';
import './acl/index.js';
import './rate-limiting/index.js';
import './ip-restriction/index.js';
import './request-size-limiting/index.js';
