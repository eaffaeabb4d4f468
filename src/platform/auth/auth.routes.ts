// Sign-in, sessions, people and API tokens.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ROLES, SESSION_COOKIE, principalOf } from '../http/guard.ts';
import { actorOf } from './principal.ts';
import { publicUserSchema, tokenCreateSchema, userCreateSchema, userPatchSchema } from './auth.service.ts';
import { SignInGate, type SignInMethod } from './sign-in.ts';

const userOut = publicUserSchema;
const tokenOut = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  equipmentPath: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
/** An API token as the API shows it; `token`, the secret, only in the answer to its creation. */
export type ApiToken = z.infer<typeof tokenOut> & { token?: string };
const idParams = z.object({ id: z.uuid('must be a UUID') });

export function authRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const gate = new SignInGate(ctx.db, ctx.auth, ctx.log);

  /** Password and badge sign-in answer alike: a bearer token, and the same token as the session cookie. */
  const signIn = async (method: SignInMethod, identity: string, secret: string, ip: string, reply: import('fastify').FastifyReply) => {
    const result = await gate.signIn(method, identity, secret, ip);
    // Secure whenever the sign-in itself came over TLS (directly, or per a trusted proxy's X-Forwarded-Proto).
    const secure = ctx.config.secureCookies || reply.request.protocol === 'https';
    reply.setCookie(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: result.expiresAt });
    return { token: result.token, expiresAt: result.expiresAt.toISOString(), user: result.user };
  };

  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token and sets the session cookie',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
        response: { 200: z.object({ token: z.string(), expiresAt: z.string(), user: userOut }) },
      },
    },
    (req, reply) => signIn('password', req.body.username, req.body.password, req.ip, reply),
  );

  app.post(
    '/api/auth/badge',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Shop-floor sign-in with badge and PIN; returns a bearer token and sets the session cookie',
        body: z.object({ badge: z.string().min(1).max(64), pin: z.string().min(1).max(16) }),
        response: { 200: z.object({ token: z.string(), expiresAt: z.string(), user: userOut }) },
      },
    },
    (req, reply) => signIn('badge', req.body.badge, req.body.pin, req.ip, reply),
  );

  app.post('/api/auth/logout', { config: { roles: ROLES.anyPerson }, schema: { tags: ['auth'], response: { 204: z.null() } } }, async (req, reply) => {
    const token = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? req.cookies[SESSION_COOKIE];
    if (token) await ctx.auth.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get(
    '/api/auth/me',
    {
      config: { roles: [...ROLES.anyone, 'device'] },
      schema: {
        tags: ['auth'],
        response: {
          200: z.object({ user: z.object({ id: z.string(), username: z.string(), kind: z.string(), roles: z.array(z.string()), displayName: z.string() }) }),
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      if (p.kind === 'user') {
        const u = (await ctx.auth.listUsers()).find((x) => x.id === p.id);
        return { user: { id: p.id, username: p.name, kind: p.kind, roles: p.roles, displayName: u?.displayName ?? p.name } };
      }
      return { user: { id: p.id, username: p.name, kind: p.kind, roles: p.roles, displayName: p.name } };
    },
  );

  app.get('/api/users', { config: { roles: ROLES.admin }, schema: { tags: ['users'], response: { 200: z.array(userOut) } } }, () => ctx.auth.listUsers());

  app.post(
    '/api/users',
    { config: { roles: ROLES.admin }, schema: { tags: ['users'], body: userCreateSchema, response: { 201: userOut } } },
    async (req, reply) => reply.status(201).send(await ctx.auth.createUser(actorOf(principalOf(req)), req.body)),
  );

  app.patch(
    '/api/users/:id',
    { config: { roles: ROLES.admin }, schema: { tags: ['users'], params: idParams, body: userPatchSchema, response: { 200: userOut } } },
    async (req) => ctx.auth.updateUser(actorOf(principalOf(req)), req.params.id, req.body),
  );

  app.get('/api/tokens', { config: { roles: ROLES.admin }, schema: { tags: ['tokens'], response: { 200: z.array(tokenOut) } } }, () => ctx.auth.listTokens());

  app.post(
    '/api/tokens',
    {
      config: { roles: ROLES.admin },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is shown only in this response',
        body: tokenCreateSchema,
        response: { 201: tokenOut.extend({ token: z.string() }) },
      },
    },
    async (req, reply) => reply.status(201).send(await ctx.auth.createToken(actorOf(principalOf(req)), req.body)),
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { roles: ROLES.admin },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token',
        params: idParams,
        querystring: z.object({ reason: z.string().max(1000).optional() }),
        response: { 200: tokenOut },
      },
    },
    async (req) => ctx.auth.revokeToken(actorOf(principalOf(req)), req.params.id, req.query.reason),
  );
}
