import { inflateRawSync } from 'node:zlib';

const OOXML_TYPES = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

/** core.xml is a few hundred bytes; anything that inflates past this is not one we read. */
const CORE_XML_MAX = 1024 * 1024;

/**
 * The person a PDF or Office file names as its author in its own metadata, or null: the PDF Info dictionary's
 * /Author, or OOXML docProps/core.xml's dc:creator and cp:lastModifiedBy. Read once, at upload, so managers can ask
 * for a clean copy of a file that would tell judges who wrote it. Metadata we cannot read counts as none.
 */
export function authorInMetadata(contentType: string, bytes: Buffer): string | null {
  const names = contentType === 'application/pdf' ? pdfAuthors(bytes) : OOXML_TYPES.has(contentType) ? ooxmlAuthors(bytes) : [];
  const distinct = [...new Set(names.map((name) => name.replace(/\s+/g, ' ').trim()).filter(Boolean))];
  return distinct.length ? distinct.join(', ') : null;
}

/** Every /Author string in the file (an incrementally updated PDF keeps older Info dictionaries too). */
function pdfAuthors(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const names: string[] = [];
  const key = /\/Author\s*([(<])/g;
  for (let match = key.exec(text); match; match = key.exec(text)) {
    const start = match.index + match[0].length;
    names.push(match[1] === '(' ? pdfText(literalString(text, start)) : pdfText(hexString(text, start)));
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

function ooxmlAuthors(bytes: Buffer): string[] {
  const core = zipEntry(bytes, 'docProps/core.xml');
  if (!core) return [];
  const xml = core.toString('utf8');
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

/** One entry of a ZIP archive, found through its central directory (stored or deflated), or null. */
function zipEntry(zip: Buffer, wanted: string): Buffer | null {
  try {
    const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0 || end + 22 > zip.length) return null;
    const count = zip.readUInt16LE(end + 10);
    let at = zip.readUInt32LE(end + 16);
    for (let i = 0; i < count && at + 46 <= zip.length; i += 1) {
      if (zip.readUInt32LE(at) !== 0x02014b50) return null;
      const method = zip.readUInt16LE(at + 10);
      const compressedSize = zip.readUInt32LE(at + 20);
      const nameLength = zip.readUInt16LE(at + 28);
      const extraLength = zip.readUInt16LE(at + 30);
      const commentLength = zip.readUInt16LE(at + 32);
      const localHeader = zip.readUInt32LE(at + 42);
      const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
      at += 46 + nameLength + extraLength + commentLength;
      if (name !== wanted) continue;
      if (zip.readUInt32LE(localHeader) !== 0x04034b50) return null;
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return data;
      return method === 8 ? inflateRawSync(data, { maxOutputLength: CORE_XML_MAX }) : null;
    }
    return null;
  } catch {
    return null;
  }
}
