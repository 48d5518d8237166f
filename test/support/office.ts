/** Stands in for a reader of the report's office files: an xlsx read back with exceljs, a docx part's paragraphs as text. */
import ExcelJS from 'exceljs';

/** The workbook in an xlsx file. */
export async function loadWorkbook(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  return workbook;
}

/** Rows 2.. of a sheet as arrays of values (column A first). */
export const dataRows = (sheet: ExcelJS.Worksheet) => {
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) rows.push((row.values as ExcelJS.CellValue[]).slice(1));
  });
  return rows;
};

const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The text of each paragraph of a WordprocessingML part. */
export const docxParagraphs = (xml: string) =>
  [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => unescapeXml([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map(([, s]) => s).join('')));
