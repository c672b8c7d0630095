/**
 * Responses of the entity endpoints in Kong's shapes: DAO errors as `{code,name,message,fields}`
 * (`options` for code 11), database errors as a bare 500, plain `{message}` for HTTP-level errors.
 */
import { ErrorCode, isGatewayError, errorMessage, type GatewayError } from '../../errors.js';
import { errorNameOverride, type Dao } from '../../dao/index.js';
import type { GatewayContext } from '../../gateway/context.js';
import { getService } from '../../gateway/context.js';
import type { AdminHandler, AdminResponse } from '../router.js';
import { guardPluginWrites } from './plugin-availability.js';

export function kongErrorResponse(err: GatewayError, ctx: GatewayContext): AdminResponse {
  if (err.code === ErrorCode.DATABASE_ERROR || err.status >= 500) {
    ctx.log.error({ err: err.message }, 'database error in the Admin API');
    return { status: 500, body: { message: 'An unexpected error occurred' } };
  }
  const body = err.toBody();
  const name = errorNameOverride(err);
  if (name) body.name = name;
  if (err.code === ErrorCode.INVALID_OPTIONS && body.fields) {
    body.options = body.fields;
    delete body.fields;
  }
  return { status: err.status, body };
}

/** Renders GatewayErrors here; anything else goes on to the server's 500 handling. */
export function guarded(handler: AdminHandler): AdminHandler {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      if (isGatewayError(err)) return kongErrorResponse(err, ctx);
      ctx.log.error({ err: errorMessage(err), path: req.path }, 'unexpected error in an entity endpoint');
      return { status: 500, body: { message: 'An unexpected error occurred' } };
    }
  };
}

export const notFound = (): AdminResponse => ({ status: 404, body: { message: 'Not found' } });
export const methodNotAllowed = (): AdminResponse => ({ status: 405, body: { message: 'Method not allowed' } });

/** The node's DAO, with the node's write rules (plugins enabled by the `plugins` setting) on it. */
export function daoOf(ctx: GatewayContext): Dao {
  const dao = getService<Dao>(ctx, 'dao');
  if (!dao) throw new Error('the dao service is not registered (admin entity start hook missing)');
  guardPluginWrites(dao, ctx);
  return dao;
}
