import { PassThrough, Writable } from 'node:stream';
import { januaryFigures } from '../../test/fixtures/january-2022.js';
import { dataRows, loadWorkbook } from '../../test/support/office.js';
import type { OverdueTicketLine, ReportDocument } from './report-figures.js';
import { writeReportJson } from './report-json.js';
import { collect, OutputClosedError } from './report-stream.js';
import { writeReportXlsx } from './report-xlsx.js';

/**
 * The streamed renderings read the overdue tickets batch by batch as their output takes them: they do not read ahead
 * of a reader that does not read, they stop (and let the source go) when the output is closed under them, and what
 * they write is the same whether the list comes as batches or as one array.
 */

const TITLE = 'Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 12/01/2022';
const CUTOFF = Date.parse('2022-01-12T09:00:00Z');

/**
 * `batches` batches of `size` tickets in report order, each one a turn of the event loop later, counting what was read
 * and whether the reading was ended.
 */
function source(batches: number, size: number) {
  const seen = { batches: 0, ended: false };
  const ticket = (k: number): OverdueTicketLine => {
    const dueAt = new Date(CUTOFF - 30 * 86_400_000 + k * 60_000);
    return {
      code: `PA-${String(k).padStart(6, '0')}`, unitName: k % 2 ? 'Sở Y tế' : 'UBND xã Hòa Lợi', categoryName: k % 3 ? 'Y tế' : null,
      receivedAt: new Date(dueAt.getTime() - 3 * 86_400_000), dueAt, daysLate: Math.floor((CUTOFF - dueAt.getTime()) / 86_400_000),
    };
  };
  const all = Array.from({ length: batches * size }, (_, k) => ticket(k));
  const list: AsyncIterable<OverdueTicketLine[]> = {
    async *[Symbol.asyncIterator]() {
      try {
        for (let b = 0; b < batches; b++) {
          // a batch arrives later, as a database read does
          await new Promise((resolve) => setImmediate(resolve));
          seen.batches++;
          yield all.slice(b * size, (b + 1) * size);
        }
      } finally {
        seen.ended = true;
      }
    },
  };
  return { seen, all, doc: (tickets: ReportDocument['overdueTickets'] = list): ReportDocument => ({ figures: januaryFigures(), overdueTickets: tickets, title: TITLE }) };
}

/** Lets everything that can run without more input run. */
const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe.each([
  ['xlsx', (doc: ReportDocument, out: Writable) => writeReportXlsx(doc, out)],
  ['json', (doc: ReportDocument, out: Writable) => writeReportJson('daily', '2022-01-12', doc, out)],
] as const)('the %s rendering as a stream', (_format, write) => {
  it('reads only a few batches while nobody reads its output, and all of them once it is read', async () => {
    const { seen, doc } = source(40, 500);
    const out = new PassThrough({ highWaterMark: 1024 });
    const done = write(doc(), out);
    await settle();
    // the zip's first bytes reach the output a few turns of the event loop after they are written
    expect(seen.batches).toBeLessThanOrEqual(3);
    const chunks: Buffer[] = [];
    const ended = new Promise((resolve) => out.on('end', resolve));
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await Promise.all([done, ended]);
    expect(seen).toEqual({ batches: 40, ended: true });
    expect(Buffer.concat(chunks).length).toBeGreaterThan(20_000);
  });

  it('stops, and lets the source go, when the output is closed under it', async () => {
    const { seen, doc } = source(40, 500);
    const out = new PassThrough({ highWaterMark: 1024 });
    const done = write(doc(), out);
    await settle();
    out.destroy();
    await expect(done).rejects.toBeInstanceOf(OutputClosedError);
    expect(seen.ended).toBe(true);
    expect(seen.batches).toBeLessThan(40);
  });

  it('writes the same from batches as from one array', async () => {
    const { doc, all } = source(3, 7);
    const fromBatches = await collect((out) => write(doc(), out));
    const fromArray = await collect((out) => write(doc([...all].reverse()), out));
    if (_format === 'json') expect(JSON.parse(fromBatches.toString('utf8'))).toEqual(JSON.parse(fromArray.toString('utf8')));
    else {
      const [a, b] = await Promise.all([loadWorkbook(fromBatches), loadWorkbook(fromArray)]);
      expect(dataRows(a.getWorksheet('Phiếu trễ hạn')!)).toEqual(dataRows(b.getWorksheet('Phiếu trễ hạn')!));
      expect(dataRows(a.getWorksheet('Phiếu trễ hạn')!)).toHaveLength(21);
    }
  });
});

describe('the JSON rendering', () => {
  it('is the body the API returned when it was built whole, the tickets in report order', async () => {
    const { doc, all } = source(2, 3);
    const body = JSON.parse((await collect((out) => writeReportJson('daily', '2022-01-12', doc(), out))).toString('utf8'));
    expect(Object.keys(body)).toEqual(['kind', 'date', 'title', 'cutoff', 'previousCutoff', 'operationStart', 'figures', 'overdueUnits', 'overdueTickets', 'text']);
    expect(body.overdueTickets).toEqual(JSON.parse(JSON.stringify(all)));
    expect(body.figures.explained).toEqual({ received: 145, handled: 42, open: 103, rejected: 0, merged: 0 });
  });
});
