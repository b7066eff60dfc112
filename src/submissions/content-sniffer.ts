/**
 * Recognises an upload's type from its first bytes (never from its name or the client's Content-Type).
 * Covers exactly the types an entry form can accept (UPLOAD_TYPES); anything else is undefined.
 */
export function sniffContentType(bytes: Buffer): string | undefined {
  const starts = (signature: number[], offset = 0) => signature.every((byte, i) => bytes[offset + i] === byte);
  const ascii = (text: string, offset = 0) => bytes.subarray(offset, offset + text.length).toString('latin1') === text;

  if (ascii('%PDF-')) return 'application/pdf';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'image/gif';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'image/webp';
  if (ascii('ftyp', 4) && bytes.length >= 12) return 'video/mp4';
  if (starts([0x50, 0x4b, 0x03, 0x04])) return zipFlavour(bytes);
  return undefined;
}

/** Office Open XML files are ZIP archives told apart by the parts they contain (names are stored uncompressed). */
function zipFlavour(bytes: Buffer): string {
  const names = bytes.toString('latin1');
  if (names.includes('[Content_Types].xml')) {
    if (names.includes('word/')) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (names.includes('xl/')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    if (names.includes('ppt/')) return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  }
  return 'application/zip';
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
