/**
 * The Express application: API routes, the dashboard's static files, security headers, CORS,
 * authentication, rate limits, body limits, compression, request logs and the one error handler.
 * Everything it needs arrives in `services`. One OpenAPI document describes every route
 * (API_ROUTES; test/openapi.test.ts fails on a route the app registers without a description).
 */
import crypto from 'node:crypto';
import express, { type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { hasLiveAdmin } from '../pipeline/store/tokens.ts';
import { authFailureLimit } from './auth/auth-failure-limit.ts';
import { authenticate } from './auth/authenticate.ts';
import { cors } from './auth/cors.ts';
import { principalOf, roleOf } from './auth/principal.ts';
import { TOKEN_ROUTES, tokenRoutes } from './auth/token-routes.ts';
import { compression } from './compression.ts';
import { errorHandler, notFound } from './errors.ts';
import type { RouteDoc } from './openapi.ts';
import { AGGREGATE_ROUTES, aggregateRoutes } from './routes/aggregates.ts';
import { BackgroundWork } from './background.ts';
import { ALERT_ROUTES, alertRoutes } from './routes/alerts.ts';
import { AUDIT_ROUTES, auditRoutes } from './routes/audit.ts';
import { BATCH_ROUTES, batchRoutes } from './routes/batches.ts';
import { CLUSTER_ROUTES, clusterRoutes } from './routes/clusters.ts';
import { COMBINATION_ROUTES, combinationRoutes } from './routes/combinations.ts';
import { CONCORDANCE_ROUTES, concordanceRoutes } from './routes/concordance.ts';
import { HEALTH_ROUTES, healthRoutes } from './routes/health.ts';
import { JOB_ROUTES, jobRoutes } from './routes/jobs.ts';
import { LEXICON_ROUTES, lexiconRoutes } from './routes/lexicon.ts';
import { openapiRoutes } from './routes/openapi.ts';
import { RECORD_ROUTES, recordRoutes } from './routes/records.ts';
import { REPORT_ROUTES, reportRoutes } from './routes/reports.ts';
import { REVIEW_ROUTES, reviewRoutes } from './routes/review.ts';
import { SESSION_ROUTES, sessionRoutes } from './routes/session.ts';
import { SYNDROME_ROUTES, syndromeRoutes } from './routes/syndromes.ts';
import type { AppServices } from './services.ts';

/** JSON bodies of every API route; uploads stream their own body under VIGIL_UPLOAD_MAX_BYTES. */
const JSON_BODY_LIMIT = '1mb';

/** Every route's description, for the one OpenAPI document (GET /api/openapi.json adds its own). */
export const API_ROUTES: readonly RouteDoc[] = [
  ...HEALTH_ROUTES,
  ...SESSION_ROUTES,
  ...AGGREGATE_ROUTES,
  ...BATCH_ROUTES,
  ...JOB_ROUTES,
  ...ALERT_ROUTES,
  ...CLUSTER_ROUTES,
  ...CONCORDANCE_ROUTES,
  ...COMBINATION_ROUTES,
  ...REPORT_ROUTES,
  ...SYNDROME_ROUTES,
  ...RECORD_ROUTES,
  ...REVIEW_ROUTES,
  ...LEXICON_ROUTES,
  ...TOKEN_ROUTES,
  ...AUDIT_ROUTES,
];

export async function createApp(services: AppServices): Promise<express.Express> {
  const { config } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // flat string parameters only: no nested objects from a URL
  app.set('trust proxy', config.security.trustProxy);
  app.use(helmet());
  app.use(requestLog(services));
  // Answers of the upload route are never compressed (see compression.ts for what else is not).
  app.use(compression({ skip: isUpload }));
  app.use('/api/', cors(config.security.corsOrigins));
  app.use('/api/', authFailureLimit(config.security.authFailureLimit));
  app.use('/api/', authenticate(services));
  app.use('/api/', rateLimit({ windowMs: 60_000, limit: 1200, standardHeaders: 'draft-8', legacyHeaders: false }));
  app.use('/api/', exceptUploads(express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] })));
  app.use('/api/', exceptUploads(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100 })));
  app.use(healthRoutes(services));
  app.use(sessionRoutes());
  app.use(openapiRoutes(API_ROUTES));
  // Work between requests (answers warmed after a data change), stopped before the database closes (start.ts).
  const background = new BackgroundWork(services.logger);
  app.locals['background'] = background;
  app.use(await aggregateRoutes(services, { background }));
  app.use(batchRoutes(services));
  app.use(jobRoutes(services));
  app.use(alertRoutes(services));
  app.use(clusterRoutes(services));
  app.use(concordanceRoutes(services));
  app.use(combinationRoutes(services));
  app.use(reportRoutes(services));
  app.use(syndromeRoutes(services));
  app.use(recordRoutes(services));
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

/** POST /api/batches, however its path is written (Express matches paths case-insensitively, with or without a trailing slash). */
function isUpload(request: Request): boolean {
  const route = `${request.baseUrl}${request.path}`.toLowerCase().replace(/\/+$/, '');
  return request.method === 'POST' && route === '/api/batches';
}

/** The upload route reads its own body (a file of up to VIGIL_UPLOAD_MAX_BYTES, JSON or not). */
function exceptUploads(parser: RequestHandler): RequestHandler {
  return (request, response, next) => (isUpload(request) ? next() : parser(request, response, next));
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
