import { zipEntryText, type ByteSource } from './content-sniffer';

const OOXML_TYPES = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

/** A PDF is searched this many bytes at a time, each read overlapping the next so an Info entry across the seam is whole. */
const PDF_CHUNK = 1024 * 1024;
const PDF_OVERLAP = 64 * 1024;

/**
 * The person a PDF or Office file names as its author in its own metadata, or null: the PDF Info dictionary's
 * /Author, or OOXML docProps/core.xml's dc:creator and cp:lastModifiedBy. Read once, at upload, so managers can ask
 * for a clean copy of a file that would tell judges who wrote it. Metadata we cannot read counts as none.
 */
export async function authorInMetadata(contentType: string, source: ByteSource): Promise<string | null> {
  const names = contentType === 'application/pdf' ? await pdfAuthors(source) : OOXML_TYPES.has(contentType) ? await ooxmlAuthors(source) : [];
  const distinct = [...new Set(names.map((name) => name.replace(/\s+/g, ' ').trim()).filter(Boolean))];
  return distinct.length ? distinct.join(', ') : null;
}

/** Every /Author string in the file (an incrementally updated PDF keeps older Info dictionaries too). */
async function pdfAuthors(source: ByteSource): Promise<string[]> {
  const names: string[] = [];
  for (let position = 0; position < source.size; position += PDF_CHUNK) {
    const text = (await source.read(position, PDF_CHUNK + PDF_OVERLAP)).toString('latin1');
    const key = /\/Author\s*([(<])/g;
    // A match in the overlap belongs to the next read, which sees it whole.
    for (let match = key.exec(text); match && match.index < PDF_CHUNK; match = key.exec(text)) {
      const start = match.index + match[0].length;
      names.push(match[1] === '(' ? pdfText(literalString(text, start)) : pdfText(hexString(text, start)));
    }
  }
  return names;
}

/** A PDF literal string's bytes from just after its "(": balanced parentheses, backslash escapes. */
function literalString(text: string, start: number): Buffer {
  const out: number[] = [];
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1] ?? '';
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
      if (octal) {
        out.push(parseInt(octal[0], 8) & 0xff);
        i += octal[0].length;
        continue;
      }
      const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };
      if (next === '\r' || next === '\n') i += next === '\r' && text[i + 2] === '\n' ? 2 : 1;
      else {
        out.push(escapes[next] ?? next.charCodeAt(0));
        i += 1;
      }
      continue;
    }
    if (c === '(') depth += 1;
    if (c === ')' && depth-- === 0) break;
    out.push(c.charCodeAt(0));
  }
  return Buffer.from(out);
}

/** A PDF hex string's bytes from just after its "<". */
function hexString(text: string, start: number): Buffer {
  const end = text.indexOf('>', start);
  const hex = text.slice(start, end < 0 ? text.length : end).replace(/[^0-9a-fA-F]/g, '');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}

/** PDF text strings are UTF-16BE when they start with its byte-order mark, PDFDocEncoding (≈ Latin-1) otherwise. */
function pdfText(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return bytes.toString('latin1');
}

async function ooxmlAuthors(source: ByteSource): Promise<string[]> {
  const xml = await zipEntryText(source, 'docProps/core.xml');
  if (xml === undefined) return [];
  return ['creator', 'lastModifiedBy'].flatMap((name) => [...xml.matchAll(new RegExp(`<(?:\\w+:)?${name}\\b[^>]*>([^<]*)</`, 'g'))].map((m) => xmlText(m[1])));
}

function xmlText(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return named[entity] ?? whole;
  });
}
