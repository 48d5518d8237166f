import { CHANNELS, type Channel } from '../tickets/channels.js';

/**
 * The figures behind the hotline section of the department's official report (see
 * shared/reference/1022-report.md). Plain data: whoever computes them (database, fixtures) hands them to
 * `renderReportText` (report-text.ts), which only formats.
 */

/** Intake channels in the order the report prints them (tổng đài 1022, trực tiếp, app, web, mail, Zalo, Facebook). */
export const REPORT_CHANNELS = CHANNELS;

export type ReportChannel = Channel;

/** A figure and its value at the previous report of the same kind; `previous` null: first report, no "(tăng …)". */
export interface Change {
  current: number;
  previous: number | null;
}

/** One handling unit with overdue open tickets at the cut-off. */
export interface OverdueUnitLine {
  unitCode: string;
  /** Full official name: "Sở Y tế", "UBND Phường 1", "Văn phòng HĐND và UBND huyện Duyên Hải". */
  unitName: string;
  level: 'province' | 'district' | 'commune';
  /** District (with its kind) the unit belongs to: "Thành phố Trà Vinh", "Huyện Cầu Ngang"; null for provincial units. */
  districtName: string | null;
  count: number;
}

export interface ReportFigures {
  kind: 'daily' | 'weekly' | 'monthly';
  /** "Trà Vinh". */
  provinceName: string;
  /** Instants (not local dates); printed as dates in Asia/Ho_Chi_Minh (UTC+7). */
  cutoff: Date;
  previousCutoff: Date | null;
  operationStart: Date;
  /** Local hour of the cut-off, 16 by default ("16 giờ"). */
  cutoffHour: number;
  appInstalls: { android: Change; ios: Change };
  /** Tickets received in the day's window, per channel (every channel printed, zeros included). */
  receivedInDay: Record<ReportChannel, number>;
  /** From operation start to the cut-off. */
  receivedTotal: Change;
  /** Resolved or closed by the cut-off. */
  handled: Change;
  open: number;
  /** Overdue among the open ones. */
  overdue: Change;
  /** Counted as received, neither handled nor open (received = handled + open + rejected + merged). Not printed. */
  rejected: number;
  merged: number;
  /** Their counts add up to `overdue.current`. */
  overdueUnits: OverdueUnitLine[];
}

/** One overdue open ticket at the cut-off (the "Phiếu trễ hạn" sheet of the xlsx rendering). */
export interface OverdueTicketLine {
  /** The ticket's code ("mã phản ánh"). */
  code: string;
  /** Full official name of the handling unit, as in `OverdueUnitLine.unitName`. */
  unitName: string;
  /** The category ("lĩnh vực"); null when the ticket has none. */
  categoryName: string | null;
  /** Instants; printed in Asia/Ho_Chi_Minh (UTC+7). */
  receivedAt: Date;
  dueAt: Date;
  /** Whole days past the deadline at the cut-off. */
  daysLate: number;
}

/**
 * The overdue tickets behind `figures.overdue`: an array, or batches read from the database as they are consumed (at
 * a million tickets the list holds hundreds of thousands), which can be read only while the report's transaction is
 * open (ReportService.build). Batches come in report order (`sortOverdueTickets`); an array may come in any order.
 */
export type OverdueTicketList = readonly OverdueTicketLine[] | AsyncIterable<readonly OverdueTicketLine[]>;

/**
 * Everything the HTML, xlsx and docx renderings (report-html.ts, report-xlsx.ts, report-docx.ts) need: the figures,
 * the overdue tickets behind `figures.overdue`, and the title
 * ("Báo cáo tình hình tiếp nhận, xử lý phản ánh qua Tổng đài 1022 ngày 12/01/2022").
 */
export interface ReportDocument {
  figures: ReportFigures;
  overdueTickets: OverdueTicketList;
  title: string;
}

/** Report order: the most days late first, then the earliest deadline, then the code. Returns a new array. */
export function sortOverdueTickets(tickets: readonly OverdueTicketLine[]): OverdueTicketLine[] {
  return [...tickets].sort(
    (a, b) => b.daysLate - a.daysLate || a.dueAt.getTime() - b.dueAt.getTime() || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** The list in batches, in report order (an array is sorted; batches read from the database come sorted). */
export async function* overdueTicketBatches(list: OverdueTicketList): AsyncGenerator<readonly OverdueTicketLine[]> {
  if (isAsyncIterable(list)) {
    for await (const batch of list) if (batch.length) yield batch;
  } else if (list.length) {
    yield sortOverdueTickets(list);
  }
}

const isAsyncIterable = (list: OverdueTicketList): list is AsyncIterable<readonly OverdueTicketLine[]> => Symbol.asyncIterator in list;
