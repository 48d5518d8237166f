/**
 * The application's services in a process of their own, for the bench's figures that are not HTTP requests: the
 * application context is built from AppModule exactly as the application builds it (settings from the same
 * environment, workers off), and the bench calls OverdueService and ReportService through IPC. Its own process,
 * so that the memory a sweep takes can be read from /proc. Started by bench/processes.ts (ServiceHost).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { performance } from 'node:perf_hooks';
import { loadSettings } from '../config/settings.js';
import { AppModule } from '../src/app.module.js';
import { ReportService, type ReportKind } from '../src/reports/report.service.js';
import { OverdueService } from '../src/sla/overdue.service.js';

interface Command {
  id: number;
  cmd: string;
  args: unknown[];
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('the service host is started by the bench (it needs an IPC channel)');
  const settings = loadSettings();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ settings, databaseUrl: settings.DATABASE_URL! }), {
    logger: ['error', 'warn'],
  });
  const overdue = app.get(OverdueService);
  const reports = app.get(ReportService);
  const commands: Record<string, (...args: never[]) => Promise<unknown>> = {
    ping: async () => 'pong',
    sweepOverdue: (at: string) => overdue.sweepOverdue(new Date(at)),
    sweepDueSoon: (at: string) => overdue.sweepDueSoon(new Date(at)),
    // the document is built and dropped: the figure is the time to build it
    report: async (kind: ReportKind, date: string) => {
      await reports.build(kind, date);
      return null;
    },
  };
  process.on('message', async (m: Command) => {
    const run = commands[m.cmd];
    if (!run) return process.send!({ id: m.id, ok: false, error: `unknown command ${m.cmd}` });
    const t0 = performance.now();
    try {
      const result = await run(...(m.args as never[]));
      process.send!({ id: m.id, ok: true, ms: performance.now() - t0, result });
    } catch (e) {
      process.send!({ id: m.id, ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  });
  process.on('disconnect', () => {
    void app.close().finally(() => process.exit(0));
  });
  // id 0: ready for commands
  process.send({ id: 0, ok: true, result: 'ready' });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
