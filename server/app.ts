/**
 * The Express application: API routes, the dashboard's static files, security headers, CORS,
 * authentication, rate limits, body limits, request logs and the one error handler. Everything
 * it needs arrives in `services`.
 */
import crypto from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { hasLiveAdmin } from '../pipeline/store/tokens.ts';
import { authFailureLimit } from './auth/auth-failure-limit.ts';
import { authenticate } from './auth/authenticate.ts';
import { cors } from './auth/cors.ts';
import { principalOf, roleOf } from './auth/principal.ts';
import { tokenRoutes } from './auth/token-routes.ts';
import { errorHandler, notFound } from './errors.ts';
import { aggregateRoutes } from './routes/aggregates.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { batchRoutes } from './routes/batches.ts';
import { clusterRoutes } from './routes/clusters.ts';
import { combinationRoutes } from './routes/combinations.ts';
import { concordanceRoutes } from './routes/concordance.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { lexiconRoutes } from './routes/lexicon.ts';
import { reportRoutes } from './routes/reports.ts';
import { reviewRoutes } from './routes/review.ts';
import { sessionRoutes } from './routes/session.ts';
import { syndromeRoutes } from './routes/syndromes.ts';
import type { AppServices } from './services.ts';

/** JSON bodies of every API route; uploads stream their own body under VIGIL_UPLOAD_MAX_BYTES. */
const JSON_BODY_LIMIT = '1mb';

export async function createApp(services: AppServices): Promise<express.Express> {
  const { config } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // flat string parameters only: no nested objects from a URL
  app.set('trust proxy', config.security.trustProxy);
  app.use(helmet());
  app.use(requestLog(services));
  app.use('/api/', cors(config.security.corsOrigins));
  app.use('/api/', authFailureLimit(config.security.authFailureLimit));
  app.use('/api/', authenticate(services));
  app.use('/api/', rateLimit({ windowMs: 60_000, limit: 1200, standardHeaders: 'draft-8', legacyHeaders: false }));
  app.use('/api/', exceptUploads(express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] })));
  app.use('/api/', exceptUploads(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100 })));
  app.use(healthRoutes(services));
  app.use(sessionRoutes());
  app.use(await aggregateRoutes(services));
  app.use(batchRoutes(services));
  app.use(jobRoutes(services));
  app.use(alertRoutes(services));
  app.use(clusterRoutes(services));
  app.use(concordanceRoutes(services));
  app.use(combinationRoutes(services));
  app.use(reportRoutes(services));
  app.use(syndromeRoutes(services));
  app.use(reviewRoutes(services));
  app.use(lexiconRoutes(services));
  app.use(tokenRoutes(services));
  app.use(auditRoutes(services));
  app.use('/api', notFound);
  // Revalidate on every load (ETags keep it cheap): an old main.js must never meet a new index.html.
  if (services.dashboardDir) app.use(express.static(services.dashboardDir, { index: 'index.html', cacheControl: true, maxAge: 0 }));
  app.use(notFound);
  app.use(errorHandler(services.logger));
  warnWithoutAdmin(services);
  return app;
}

/** The upload route reads its own body (a file of up to VIGIL_UPLOAD_MAX_BYTES, JSON or not). */
function exceptUploads(parser: RequestHandler): RequestHandler {
  return (request, response, next) => {
    const route = `${request.baseUrl}${request.path}`.toLowerCase().replace(/\/+$/, '');
    if (request.method === 'POST' && route === '/api/batches') return next();
    parser(request, response, next);
  };
}

/** Says at start when nobody can manage tokens over the API, and how to make the first admin. */
function warnWithoutAdmin({ db, logger }: AppServices): void {
  hasLiveAdmin(db.connection).then(
    (exists) => {
      if (!exists) logger.warn('no admin API token exists: stop the server and run `npm run --silent vigil -- tokens create --role admin --name NAME` (README: Security)');
    },
    (error: unknown) => logger.error({ err: error }, 'could not check for an admin token'),
  );
}

function requestLog({ logger }: AppServices): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    const requestId = crypto.randomUUID();
    response.locals.requestId = requestId;
    response.setHeader('X-Request-Id', requestId);
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const principal = principalOf(response);
      logger.info(
        { requestId, method: request.method, url: request.originalUrl, status: response.statusCode, ms: Math.round(ms * 10) / 10, role: roleOf(principal), actor: principal.kind === 'token' ? principal.tokenId : null },
        'request',
      );
    });
    next();
  };
}
