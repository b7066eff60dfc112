import { inflateRawSync } from 'node:zlib';

/** Random access to an upload's bytes, so a check reads only the parts it needs (a file on disk or a buffer). */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
}

export function bufferSource(bytes: Buffer): ByteSource {
  return { size: bytes.length, read: async (position, length) => bytes.subarray(position, position + length) };
}

/** Enough of the start for every signature and an `ftyp` box with a generous list of compatible brands. */
const HEAD_BYTES = 4096;

/**
 * Recognises an upload's type from its first bytes and, for ZIP archives, its central directory (never from its
 * name or the client's Content-Type). Covers exactly the types an entry form can accept (UPLOAD_TYPES); anything
 * else is undefined.
 */
export async function sniffContentType(source: ByteSource): Promise<string | undefined> {
  const bytes = await source.read(0, HEAD_BYTES);
  const starts = (signature: number[], offset = 0) => signature.every((byte, i) => bytes[offset + i] === byte);
  const ascii = (text: string, offset = 0) => bytes.subarray(offset, offset + text.length).toString('latin1') === text;

  if (ascii('%PDF-')) return 'application/pdf';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'image/gif';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'image/webp';
  if (ascii('ftyp', 4)) return isMp4(bytes, source.size) ? 'video/mp4' : undefined;
  if (starts([0x50, 0x4b, 0x03, 0x04])) return (await officeType(source)) ?? 'application/zip';
  return undefined;
}

/** Brands (ISO/IEC 14496-12 and -14, 3GPP) whose files are MP4 video. */
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'iso7', 'iso8', 'iso9', 'mp41', 'mp42', 'mp71', 'avc1', 'dash', 'M4V ', 'MSNV']);
/** Major brands of ISO base media files that are not MP4 video even when they list an MP4 brand as compatible. */
const OTHER_MAJOR_BRANDS = new Set(['qt  ', 'heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis', 'M4A ', 'M4B ', 'M4P ', 'crx ', 'jp2 ']);

/** An `ftyp` box that fits the file, whose major brand is MP4, or not another format's and with an MP4 brand compatible. */
function isMp4(bytes: Buffer, fileSize: number): boolean {
  const boxSize = bytes.length >= 16 ? bytes.readUInt32BE(0) : 0;
  if (boxSize < 16 || boxSize > fileSize || boxSize > bytes.length || boxSize % 4 !== 0) return false;
  const major = bytes.toString('latin1', 8, 12);
  if (MP4_BRANDS.has(major)) return true;
  if (OTHER_MAJOR_BRANDS.has(major)) return false;
  for (let at = 16; at < boxSize; at += 4) if (MP4_BRANDS.has(bytes.toString('latin1', at, at + 4))) return true;
  return false;
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
/** The content type of each format's main part (ECMA-376 part 1, 11.3.10, 12.3.23, 13.3.6) and the format it makes. */
const MAIN_PARTS: Record<string, string> = {
  [`${OOXML}.wordprocessingml.document.main+xml`]: `${OOXML}.wordprocessingml.document`,
  [`${OOXML}.spreadsheetml.sheet.main+xml`]: `${OOXML}.spreadsheetml.sheet`,
  [`${OOXML}.presentationml.presentation.main+xml`]: `${OOXML}.presentationml.presentation`,
};

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end-of-directory record is 22 bytes plus a comment of at most 65,535. */
const END_SEARCH = 22 + 0xffff;
/** Larger directories, or [Content_Types].xml and core.xml parts, than these are not Office files anyone writes. */
const DIRECTORY_MAX = 4 * 1024 * 1024;
const CONTENT_TYPES_MAX = 1024 * 1024;

interface DirectoryEntry {
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Office Open XML files are ZIP archives whose [Content_Types].xml declares a main part of the format's content
 * type, and that part is in the archive. Only the central directory and that one small part are read.
 */
async function officeType(source: ByteSource): Promise<string | undefined> {
  const entries = await centralDirectory(source);
  const manifest = entries?.get('[content_types].xml');
  if (!entries || !manifest) return undefined;
  const xml = await entryText(source, manifest);
  if (xml === undefined) return undefined;
  for (const override of xml.match(/<Override\b[^>]*>/g) ?? []) {
    const part = attribute(override, 'PartName');
    const type = MAIN_PARTS[attribute(override, 'ContentType') ?? ''];
    if (part && type && entries.has(part.replace(/^\//, '').toLowerCase())) return type;
  }
  return undefined;
}

/** One small entry of a ZIP archive as text (read through its central directory), or undefined. */
export async function zipEntryText(source: ByteSource, name: string): Promise<string | undefined> {
  const entry = (await centralDirectory(source))?.get(name.toLowerCase());
  return entry && entryText(source, entry);
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag)?.slice(1).find((v) => v !== undefined);
}

/** The archive's entries by lower-cased name (OPC part names are case-insensitive), or undefined if unreadable. */
async function centralDirectory(source: ByteSource): Promise<Map<string, DirectoryEntry> | undefined> {
  const tailStart = Math.max(0, source.size - END_SEARCH);
  const tail = await source.read(tailStart, source.size - tailStart);
  let end = -1;
  // The record's comment runs to the end of the file, which tells the record from its signature inside a comment.
  for (let at = tail.length - 22; at >= 0 && end < 0; at -= 1) {
    if (tail.readUInt32LE(at) === END_OF_DIRECTORY && at + 22 + tail.readUInt16LE(at + 20) === tail.length) end = at;
  }
  if (end < 0) return undefined;
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (directorySize > DIRECTORY_MAX || directoryOffset + directorySize > tailStart + end) return undefined;
  const directory = await source.read(directoryOffset, directorySize);
  const entries = new Map<string, DirectoryEntry>();
  for (let at = 0; at + 46 <= directory.length; ) {
    if (directory.readUInt32LE(at) !== DIRECTORY_ENTRY) return undefined;
    const nameLength = directory.readUInt16LE(at + 28);
    const skip = nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength).toLowerCase();
    entries.set(name, {
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localOffset: directory.readUInt32LE(at + 42),
    });
    at += 46 + skip;
  }
  return entries;
}

/** A small stored or deflated entry as text; undefined when it is large, compressed by another method, or damaged. */
async function entryText(source: ByteSource, entry: DirectoryEntry): Promise<string | undefined> {
  if (entry.size > CONTENT_TYPES_MAX || entry.compressedSize > CONTENT_TYPES_MAX || (entry.method !== 0 && entry.method !== 8)) return undefined;
  const header = await source.read(entry.localOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER) return undefined;
  const data = await source.read(entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), entry.compressedSize);
  if (data.length < entry.compressedSize) return undefined;
  if (entry.method === 0) return data.toString('utf8');
  try {
    return inflateRawSync(data, { maxOutputLength: CONTENT_TYPES_MAX }).toString('utf8');
  } catch {
    return undefined;
  }
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'application/zip': 'zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType] ?? 'bin';
}

/** A file name safe to show and to offer for download: no path, no control characters, the true extension. */
export function sanitizeFileName(name: string, contentType: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const stem = base
    .replace(/\.[^.]*$/, '')
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 100)
    .trim();
  return `${stem || 'file'}.${extensionFor(contentType)}`;
}
