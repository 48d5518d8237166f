import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { AppModule, type AppOptions } from './app.module.js';
import { Settings } from '../config/settings.js';
import { HttpErrorFilter } from './common/http-exception.filter.js';
import { InputGuard, InputPipe, jsonBodyParser, parkRefusedBody } from './common/input-guard.js';
import { createValidationPipe } from './common/validation.js';
import { errorPage, STATIC_DIR, STATIC_PREFIX, Views } from './views/views.js';

/** Everything an application instance needs besides its modules; shared by main.ts and the tests. */
export function configureApp(app: INestApplication): void {
  const http = app as NestExpressApplication;
  http.disable('x-powered-by');
  const trust = app.get(Settings).TRUST_PROXY.trim();
  http.set('trust proxy', /^\d+$/.test(trust) ? Number(trust) : trust);
  // JSON nested too deeply is refused before it is parsed (see common/input-guard.ts); the raw bytes are kept as rawBody
  // the pages' CSS and scripts (src/views/static): no cookies read, cached for an hour, never a directory listing
  http.use(STATIC_PREFIX, express.static(STATIC_DIR, {
    maxAge: '1h', index: false, redirect: false,
    setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
  }));
  http.use(jsonBodyParser({ limit: '1mb' }));
  http.useBodyParser('urlencoded', { limit: '1mb', extended: false });
  // large text bodies only where a file is expected (the CSV import); elsewhere the small JSON limit holds
  http.use('/api/tickets/import', express.text({ type: ['text/csv', 'text/plain'], limit: '20mb' }));
  http.use(parkRefusedBody);
  // NUL and lone surrogates are refused, naming the field, before the routes' guards, pipes and handlers (see InputGuard)
  app.useGlobalGuards(new InputGuard());
  app.useGlobalPipes(new InputPipe(), createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter(errorPage(new Views(app.get(Settings)))));
  const doc = new DocumentBuilder()
    .setTitle('Tổng đài 1022 — API')
    .setDescription('API tiếp nhận và xử lý phản ánh, kiến nghị của người dân qua Tổng đài 1022.')
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
}

/**
 * Node's limits on the HTTP server, so that a client that stops sending is answered 408 and dropped instead of held
 * (settings, defaults in brackets):
 * - requestTimeout (HTTP_REQUEST_TIMEOUT_MS, 120 s; Node's default 300 s): the whole request, headers and body; a body
 *   shorter than its Content-Length ends here. 120 s lets a phone on a slow link send three 5 MB photos.
 * - headersTimeout (HTTP_HEADERS_TIMEOUT_MS, 20 s; Node's 60 s): the headers alone (slowloris).
 * - keepAliveTimeout (HTTP_KEEP_ALIVE_TIMEOUT_MS, 10 s; Node's 5 s): an idle kept-alive connection.
 * - connectionsCheckingInterval: how often Node looks for requests past the first two limits. Its default (30 s) would
 *   let a stalled request live up to 30 s past its limit: a quarter of the shorter limit here, at most 1 s. Node reads
 *   it when the server starts listening, so this must run before listen().
 * - timeout (inactivity of a socket) stays 0: a report computed for a while before its first byte must not be cut,
 *   and requestTimeout already bounds how long a client can hold a request open.
 */
export function applyServerTimeouts(
  server: Server,
  s: Pick<Settings, 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>,
): void {
  server.requestTimeout = s.HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(s.HTTP_HEADERS_TIMEOUT_MS, s.HTTP_REQUEST_TIMEOUT_MS);
  server.keepAliveTimeout = s.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  const check = Math.min(1000, Math.max(25, Math.floor(server.headersTimeout / 4)));
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = check;
}

/** Creates a configured (not yet listening) application. rawBody keeps the exact bytes for webhook signatures. */
export async function createApp(options: AppOptions, logger: false | Array<'error' | 'warn' | 'log' | 'debug' | 'verbose'> = ['error', 'warn', 'log']) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), { rawBody: true, logger });
  configureApp(app);
  return app;
}
