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

/** Everything an application instance needs besides its modules; shared by main.ts and the tests. */
export function configureApp(app: INestApplication): void {
  const http = app as NestExpressApplication;
  http.disable('x-powered-by');
  const trust = app.get(Settings).TRUST_PROXY.trim();
  http.set('trust proxy', /^\d+$/.test(trust) ? Number(trust) : trust);
  // JSON nested too deeply is refused before it is parsed (see common/input-guard.ts); the raw bytes are kept as rawBody
  http.use(jsonBodyParser({ limit: '1mb' }));
  http.useBodyParser('urlencoded', { limit: '1mb', extended: false });
  // large text bodies only where a file is expected (the CSV import); elsewhere the small JSON limit holds
  http.use('/api/tickets/import', express.text({ type: ['text/csv', 'text/plain'], limit: '20mb' }));
  http.use(parkRefusedBody);
  // NUL and lone surrogates are refused, naming the field, before the authentication guard and any database query
  app.useGlobalGuards(new InputGuard());
  app.useGlobalPipes(new InputPipe(), createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  const doc = new DocumentBuilder()
    .setTitle('Tổng đài 1022 — API')
    .setDescription('API tiếp nhận và xử lý phản ánh, kiến nghị của người dân qua Tổng đài 1022.')
    .setVersion('1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
}

/** Creates a configured (not yet listening) application. rawBody keeps the exact bytes for webhook signatures. */
export async function createApp(options: AppOptions, logger: false | Array<'error' | 'warn' | 'log' | 'debug' | 'verbose'> = ['error', 'warn', 'log']) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), { rawBody: true, logger });
  configureApp(app);
  return app;
}
