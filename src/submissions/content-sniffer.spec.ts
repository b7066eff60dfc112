import { zipOf as zip } from '../../test/support/office-files';
import { bufferSource, sanitizeFileName, sniffContentType } from './content-sniffer';

const sniff = (bytes: Buffer) => sniffContentType(bufferSource(bytes));

/** An ISO base media file's first box: `ftyp` with its major brand, minor version and compatible brands. */
function ftyp(major: string, compatible: string[]): Buffer {
  const box = Buffer.alloc(16 + 4 * compatible.length);
  box.writeUInt32BE(box.length, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, 'latin1'));
  return Buffer.concat([box, Buffer.from('\0\0\0\x08free', 'latin1')]);
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
const contentTypes = (overrides: Record<string, string>) =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  Object.entries(overrides).map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`).join('') +
  '</Types>';
const office = (part: string, type: string, extra: Record<string, string> = {}, options = {}) =>
  zip({ '[Content_Types].xml': contentTypes({ [`/${part}`]: type }), '_rels/.rels': '<Relationships/>', [part]: '<x/>', ...extra }, options);

describe('sniffContentType', () => {
  it.each([
    ['%PDF-1.7\n...', 'application/pdf'],
    ['\x89PNG\r\n\x1a\n....', 'image/png'],
    ['\xff\xd8\xff\xe0..JFIF', 'image/jpeg'],
    ['GIF89a....', 'image/gif'],
    ['RIFF\0\0\0\0WEBPVP8 ', 'image/webp'],
    ['PK\x03\x04....notes.txt', 'application/zip'],
  ])('recognises %j', async (content, type) => {
    expect(await sniff(Buffer.from(content, 'latin1'))).toBe(type);
  });

  it('does not recognise executables, scripts or text, whatever they are called', async () => {
    expect(await sniff(Buffer.from('MZ\x90\x00\x03', 'latin1'))).toBeUndefined();
    expect(await sniff(Buffer.from('\x7fELF\x02\x01', 'latin1'))).toBeUndefined();
    expect(await sniff(Buffer.from('#!/bin/sh\nrm -rf /'))).toBeUndefined();
    expect(await sniff(Buffer.from('<html><script>'))).toBeUndefined();
    expect(await sniff(Buffer.alloc(0))).toBeUndefined();
  });

  it('takes an ISO base media file as MP4 only when its major or a compatible brand is an MP4 brand', async () => {
    expect(await sniff(ftyp('mp42', ['mp42', 'isom']))).toBe('video/mp4');
    expect(await sniff(ftyp('isom', ['isom', 'iso2', 'avc1', 'mp41']))).toBe('video/mp4');
    expect(await sniff(ftyp('avc1', []))).toBe('video/mp4');
    expect(await sniff(ftyp('3gp5', ['3gp5', 'isom']))).toBe('video/mp4');
    expect(await sniff(ftyp('heic', ['mif1', 'heic']))).toBeUndefined();
    expect(await sniff(ftyp('avif', ['avif', 'mif1', 'miaf', 'MA1B']))).toBeUndefined();
    expect(await sniff(ftyp('mif1', ['mif1', 'heic', 'iso8']))).toBeUndefined();
    expect(await sniff(ftyp('qt  ', ['qt  ']))).toBeUndefined();
    expect(await sniff(ftyp('M4A ', ['M4A ', 'mp42', 'isom']))).toBeUndefined();
    expect(await sniff(Buffer.from('\0\0\0\x0cftypmp42', 'latin1'))).toBeUndefined();
    expect(await sniff(Buffer.from('\0\0\x10\0ftypmp42\0\0\0\0', 'latin1'))).toBeUndefined();
  });

  it('takes a ZIP archive as DOCX, XLSX or PPTX only when [Content_Types].xml declares a main part that is present', async () => {
    expect(await sniff(office('word/document.xml', `${OOXML}.wordprocessingml.document.main+xml`))).toBe(`${OOXML}.wordprocessingml.document`);
    expect(await sniff(office('xl/workbook.xml', `${OOXML}.spreadsheetml.sheet.main+xml`))).toBe(`${OOXML}.spreadsheetml.sheet`);
    expect(await sniff(office('ppt/presentation.xml', `${OOXML}.presentationml.presentation.main+xml`))).toBe(`${OOXML}.presentationml.presentation`);
    expect(await sniff(office('word/document.xml', 'application/vnd.ms-word.document.macroEnabled.main+xml'))).toBe('application/zip');
    expect(await sniff(office('word/document.xml', `${OOXML}.wordprocessingml.template.main+xml`))).toBe('application/zip');
  });

  it('reads stored parts, archive comments and central directories far from the end', async () => {
    const docx = `${OOXML}.wordprocessingml.document`;
    expect(await sniff(office('word/document.xml', `${docx}.main+xml`, {}, { stored: true }))).toBe(docx);
    expect(await sniff(office('word/document.xml', `${docx}.main+xml`, {}, { comment: 'PK\x05\x06 made by a tool'.repeat(100) }))).toBe(docx);
    const media = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`word/media/image-with-a-long-name-${i}.png`, '']));
    const large = office('word/document.xml', `${docx}.main+xml`, media);
    expect(large.length).toBeGreaterThan(64 * 1024);
    expect(await sniff(large)).toBe(docx);
  });

  it('takes a ZIP archive that only looks like Office as a plain ZIP', async () => {
    const wordFolder = zip({ '[Content_Types].xml': contentTypes({}), 'word/document.xml': '<x/>' });
    const missingPart = zip({ '[Content_Types].xml': contentTypes({ '/word/document.xml': `${OOXML}.wordprocessingml.document.main+xml` }), 'word/other.xml': '<x/>' });
    const namesInContent = zip({ 'notes.txt': `[Content_Types].xml word/document.xml ${OOXML}.wordprocessingml.document.main+xml` });
    const noContentTypes = zip({ 'word/document.xml': '<x/>', '_rels/.rels': '<Relationships/>' });
    for (const archive of [wordFolder, missingPart, namesInContent, noContentTypes]) expect(await sniff(archive)).toBe('application/zip');
  });

  it('judges an archive by its central directory, not by bytes after it', async () => {
    const docx = office('word/document.xml', `${OOXML}.wordprocessingml.document.main+xml`);
    const truncated = docx.subarray(0, docx.length - 30);
    expect(await sniff(truncated)).toBe('application/zip');
  });
});

describe('sanitizeFileName', () => {
  it('keeps a readable name with the true extension and drops paths and control characters', () => {
    expect(sanitizeFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(sanitizeFileName('C:\\Users\\me\\Plan v2.exe', 'application/pdf')).toBe('Plan v2.pdf');
    expect(sanitizeFileName('rapport\u0000\r\n".pdf', 'application/pdf')).toBe('rapport_.pdf');
    expect(sanitizeFileName('...', 'image/png')).toBe('file.png');
    expect(sanitizeFileName('Résumé.pdf', 'application/pdf')).toBe('Résumé.pdf');
  });
});
