import { docxBy, pdfWithInfo, zipOf } from '../../test/support/office-files';
import { bufferSource } from './content-sniffer';
import { authorInMetadata as authorIn } from './file-metadata';

const authorInMetadata = (contentType: string, bytes: Buffer) => authorIn(contentType, bufferSource(bytes));

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('authorInMetadata', () => {
  it('reads the PDF Info dictionary\'s /Author: literal, escaped, hex and UTF-16 strings', async () => {
    expect(await authorInMetadata(PDF, pdfWithInfo('/Author (Jane Doe)'))).toBe('Jane Doe');
    expect(await authorInMetadata(PDF, pdfWithInfo('/Author (Jane \\(JD\\) Doe\\051)'))).toBe('Jane (JD) Doe)');
    expect(await authorInMetadata(PDF, pdfWithInfo('/Author <4A616E6520446F65>'))).toBe('Jane Doe');
    expect(await authorInMetadata(PDF, pdfWithInfo('/Author <FEFF004A006F00EB006C>'))).toBe('Joël');
    expect(await authorInMetadata(PDF, pdfWithInfo('/Author (Ren\\351e Roe)'))).toBe('Renée Roe');
  });

  it('finds no author in a PDF without one, or with an empty one', async () => {
    expect(await authorInMetadata(PDF, pdfWithInfo('/Title (Plan)'))).toBeNull();
    expect(await authorInMetadata(PDF, pdfWithInfo('/Author ()'))).toBeNull();
    expect(await authorInMetadata(PDF, pdfWithInfo('/Author (   )'))).toBeNull();
  });

  it('names every author of an incrementally updated PDF once', async () => {
    const updated = Buffer.concat([pdfWithInfo('/Author (Jane Doe)'), pdfWithInfo('/Author (Jane Doe)'), pdfWithInfo('/Author (Sam Roe)')]);
    expect(await authorInMetadata(PDF, updated)).toBe('Jane Doe, Sam Roe');
  });

  it('reads dc:creator and cp:lastModifiedBy from docProps/core.xml', async () => {
    expect(await authorInMetadata(DOCX, docxBy('Jane Doe', 'Jane Doe'))).toBe('Jane Doe');
    expect(await authorInMetadata(DOCX, docxBy('Jane Doe', 'Sam &amp; Co'))).toBe('Jane Doe, Sam & Co');
    expect(await authorInMetadata(DOCX, docxBy('', 'Sam Roe'))).toBe('Sam Roe');
    expect(await authorInMetadata(XLSX, docxBy('Jane Doe'))).toBe('Jane Doe');
    expect(await authorInMetadata(DOCX, docxBy())).toBeNull();
  });

  it('counts an Office file without core properties, a broken archive or an oversized core.xml as no author', async () => {
    expect(await authorInMetadata(DOCX, zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' }))).toBeNull();
    expect(await authorInMetadata(DOCX, docxBy('Jane Doe').subarray(0, 60))).toBeNull();
    const huge = zipOf({ 'docProps/core.xml': `<dc:creator>Jane Doe</dc:creator>${' '.repeat(2 * 1024 * 1024)}` });
    expect(await authorInMetadata(DOCX, huge)).toBeNull();
  });

  it('reads nothing from other types', async () => {
    expect(await authorInMetadata('image/png', pdfWithInfo('/Author (Jane Doe)'))).toBeNull();
  });
});
