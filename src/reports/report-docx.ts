/**
 * The report as a Word document (docx package) that leadership pastes into their own report: the title, then one
 * paragraph per line of the plain-text rendering (renderReportText), then the per-unit overdue table. Times New Roman
 * 13pt, A4, margins and paragraph spacing as Vietnamese administrative documents use them (Nghị định 30/2020/NĐ-CP).
 * The font is set on every run, not only in the styles, so that it survives a paste. Pure: no database, no clock.
 */
import {
  AlignmentType,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import type { ReportDocument } from './report-figures.js';
import { formatNumberVi } from './report-format.js';
import { displayUnitName, renderReportText, sortOverdueUnits } from './report-text.js';

export const DOCX_FONT = 'Times New Roman';
/** 13pt, in half-points. */
const SIZE = 26;

/** A4, in twips (1 mm ≈ 56.7 twips): top and bottom 20 mm, left 30 mm, right 20 mm. */
const PAGE = { width: 11906, height: 16838, margin: { top: 1134, bottom: 1134, left: 1701, right: 1134 } };
const CONTENT_WIDTH = PAGE.width - PAGE.margin.left - PAGE.margin.right;
/** STT, Đơn vị, Số phiếu trễ hạn. */
const COLUMN_WIDTHS = [850, CONTENT_WIDTH - 850 - 2000, 2000];

const run = (text: string, bold = false) => new TextRun({ text, font: DOCX_FONT, size: SIZE, ...(bold ? { bold } : {}) });

/** A body paragraph: justified, 1 cm first-line indent, 6pt before, single spacing. */
const bodyParagraph = (text: string) =>
  new Paragraph({
    children: [run(text)],
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: 567 },
    spacing: { before: 120, after: 0, line: 240 },
  });

const cellParagraph = (text: string, bold: boolean, alignment: (typeof AlignmentType)[keyof typeof AlignmentType]) =>
  new Paragraph({ children: [run(text, bold)], alignment, spacing: { before: 40, after: 40 } });

const tableRow = (texts: [string, string, string], options: { bold?: boolean; header?: boolean } = {}) =>
  new TableRow({
    tableHeader: options.header ?? false,
    cantSplit: true,
    children: texts.map(
      (text, i) =>
        new TableCell({
          width: { size: COLUMN_WIDTHS[i], type: WidthType.DXA },
          verticalAlign: VerticalAlign.CENTER,
          children: [
            cellParagraph(
              text,
              options.bold ?? false,
              options.header || i === 0 ? AlignmentType.CENTER : i === 2 ? AlignmentType.RIGHT : AlignmentType.LEFT,
            ),
          ],
        }),
    ),
  });

/** The .docx file of the report. */
export async function renderReportDocx(doc: ReportDocument): Promise<Buffer> {
  const f = doc.figures;
  const lines = renderReportText(f).replace(/\n$/, '').split('\n');

  const children: (Paragraph | Table)[] = [
    new Paragraph({
      children: [run(doc.title, true)],
      alignment: AlignmentType.CENTER,
      spacing: { before: 0, after: 240, line: 240 },
    }),
    ...lines.map(bodyParagraph),
  ];

  const units = sortOverdueUnits(f.overdueUnits);
  if (units.length > 0) {
    const total = units.reduce((sum, unit) => sum + unit.count, 0);
    children.push(
      new Paragraph({
        children: [run('Bảng tổng hợp các đơn vị đang xử lý trễ hạn', true)],
        alignment: AlignmentType.CENTER,
        keepNext: true,
        spacing: { before: 240, after: 120, line: 240 },
      }),
      new Table({
        width: { size: CONTENT_WIDTH, type: WidthType.DXA },
        columnWidths: COLUMN_WIDTHS,
        rows: [
          tableRow(['STT', 'Đơn vị', 'Số phiếu trễ hạn'], { bold: true, header: true }),
          ...units.map((unit, i) => tableRow([String(i + 1), displayUnitName(unit, units), formatNumberVi(unit.count)])),
          tableRow(['', 'Tổng cộng', formatNumberVi(total)], { bold: true }),
        ],
      }),
    );
  }

  const document = new Document({
    title: doc.title,
    creator: 'Tổng đài 1022',
    description: doc.title,
    styles: { default: { document: { run: { font: DOCX_FONT, size: SIZE } } } },
    sections: [
      {
        properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: PAGE.margin } },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
