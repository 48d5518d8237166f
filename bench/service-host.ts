/**
 * The application's services in a process of their own, for the bench's figures that are not HTTP requests: the
 * application context is built from AppModule exactly as the application builds it (settings from the same
 * environment, workers off), and the bench calls OverdueService and ReportService through IPC. Its own process,
 * so that the memory a sweep takes can be read from /proc. Started by bench/processes.ts (ServiceHost).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { performance } from 'node:perf_hooks';
import { loadSettings } from '../config/settings.js';
import { AppModule } from '../src/app.module.js';
import { overdueTicketBatches } from '../src/reports/report-figures.js';
import { ReportMailerService } from '../src/reports/report-mailer.service.js';
import { cutoffOf, ReportService, type ReportKind } from '../src/reports/report.service.js';
import { OverdueService } from '../src/sla/overdue.service.js';
import { forgetStateCountCheckpoints, stateCountChangeRows } from '../src/tickets/ticket-state-counts.js';

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
  const mailer = app.get(ReportMailerService);
  const ds = app.get(DataSource);
  const commands: Record<string, (...args: never[]) => Promise<unknown>> = {
    ping: async () => 'pong',
    sweepOverdue: (at: string) => overdue.sweepOverdue(new Date(at)),
    sweepDueSoon: (at: string) => overdue.sweepDueSoon(new Date(at)),
    // the document is built and its overdue tickets read to the end, batch by batch, as every writer of it reads
    // them (none holds the whole list): the figure is the time to build and read it
    report: async (kind: ReportKind, date: string) =>
      reports.build(kind, date, async (doc) => {
        let lines = 0;
        for await (const batch of overdueTicketBatches(doc.overdueTickets)) lines += batch.length;
        return lines;
      }),
    // the official report alone (bao-cao text: the counts, the per-unit overdue list), its ticket list not read:
    // what it reads is the open and rejected tickets at the two cut-offs
    reportFigures: async (kind: ReportKind, date: string) =>
      reports.build(kind, date, async (doc) => ({ open: doc.figures.open, units: doc.figures.overdueUnits.length })),
    // every report keeps its counts at its two cut-offs as checkpoints (src/tickets/ticket-state-counts.ts): those at
    // or after the cut-off of `date` go (all of them without a date), so that the next report of `date` is timed as
    // the first of its day, the day before's kept (or as the first report ever)
    forgetCheckpoints: async (date: string | null) => {
      const from = date ? cutoffOf(date, settings.REPORT_CUTOFF_HOUR) : new Date(0);
      await forgetStateCountCheckpoints(ds.manager, from);
    },
    // the changes of the counts kept by PostgreSQL, one row per statement, hour, unit and kind
    stateCountChanges: () => stateCountChangeRows(ds.manager),
    // the e-mail the cut-off job sends (figures, html, the xlsx with every overdue ticket, the docx), composed and dropped
    reportEmail: async (kind: ReportKind, date: string) => {
      const { payload } = await mailer.compose(kind, date, ['lanhdao@bench.gov.vn']);
      return payload.attachments?.reduce((n, a) => n + a.contentBase64.length, 0) ?? 0;
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
