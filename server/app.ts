/**
 * The Express application: API routes, the dashboard's static files, security headers, rate
 * limits, request logs and the one error handler. Everything it needs arrives in `services`.
 */
import crypto from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { authenticate } from './auth/authenticate.ts';
import { errorHandler, notFound } from './errors.ts';
import { aggregateRoutes } from './routes/aggregates.ts';
import { alertRoutes } from './routes/alerts.ts';
import { batchRoutes } from './routes/batches.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { syndromeRoutes } from './routes/syndromes.ts';
import type { AppServices } from './services.ts';

export async function createApp(services: AppServices): Promise<express.Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // flat string parameters only: no nested objects from a URL
  app.use(helmet());
  app.use(requestLog(services));
  app.use('/api/', authenticate(services));
  app.use('/api/', rateLimit({ windowMs: 60_000, limit: 1200, standardHeaders: 'draft-8', legacyHeaders: false }));
  app.use(healthRoutes(services));
  app.use(await aggregateRoutes(services));
  app.use(batchRoutes(services));
  app.use(jobRoutes(services));
  app.use(alertRoutes(services));
  app.use(syndromeRoutes(services));
  app.use('/api', notFound);
  // Revalidate on every load (ETags keep it cheap): an old main.js must never meet a new index.html.
  if (services.dashboardDir) app.use(express.static(services.dashboardDir, { index: 'index.html', cacheControl: true, maxAge: 0 }));
  app.use(notFound);
  app.use(errorHandler(services.logger));
  return app;
}

function requestLog({ logger }: AppServices): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    const requestId = crypto.randomUUID();
    response.setHeader('X-Request-Id', requestId);
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId, method: request.method, url: request.originalUrl, status: response.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
