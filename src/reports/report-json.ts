/**
 * The report as the JSON of `GET /api/reports/:kind`: every figure, the explanation received = handled + open +
 * rejected + merged, the per-unit overdue list, the overdue tickets and the text. Written as a stream: the tickets,
 * hundreds of thousands at a million tickets, go out batch by batch as they are read. Pure: no database, no clock.
 */
import type { Writable } from 'node:stream';
import { overdueTicketBatches, type ReportDocument } from './report-figures.js';
import { drained } from './report-stream.js';
import { renderReportText } from './report-text.js';

/** Stands for the overdue tickets in the serialised body, where they are written as they come. */
const TICKETS = '\u0000overdueTickets\u0000';

/** The body, the overdue tickets aside. */
function reportBody(kind: string, date: string, doc: ReportDocument) {
  const f = doc.figures;
  return {
    kind, date, title: doc.title, cutoff: f.cutoff.toISOString(), previousCutoff: f.previousCutoff?.toISOString() ?? null,
    operationStart: f.operationStart.toISOString(),
    figures: {
      appInstalls: f.appInstalls, receivedInDay: f.receivedInDay, receivedTotal: f.receivedTotal, handled: f.handled,
      open: f.open, overdue: f.overdue, rejected: f.rejected, merged: f.merged,
      explained: { received: f.receivedTotal.current, handled: f.handled.current, open: f.open, rejected: f.rejected, merged: f.merged },
    },
    overdueUnits: f.overdueUnits,
    overdueTickets: TICKETS,
    text: renderReportText(f),
  };
}

/** Writes the JSON body of the report to `out` (UTF-8) and ends it; waits for `out` to drain between batches. */
export async function writeReportJson(kind: string, date: string, doc: ReportDocument, out: Writable): Promise<void> {
  const json = JSON.stringify(reportBody(kind, date, doc));
  const at = json.indexOf(JSON.stringify(TICKETS));
  out.write(json.slice(0, at) + '[');
  let first = true;
  for await (const batch of overdueTicketBatches(doc.overdueTickets)) {
    const items = batch.map((ticket) => JSON.stringify(ticket)).join(',');
    out.write(first ? items : ',' + items);
    first = false;
    await drained(out);
  }
  out.end(']' + json.slice(at + JSON.stringify(TICKETS).length));
}
