import { sanitizeFileName, sniffContentType } from './content-sniffer';

describe('sniffContentType', () => {
  it.each([
    ['%PDF-1.7\n...', 'application/pdf'],
    ['\x89PNG\r\n\x1a\n....', 'image/png'],
    ['\xff\xd8\xff\xe0..JFIF', 'image/jpeg'],
    ['GIF89a....', 'image/gif'],
    ['RIFF\0\0\0\0WEBPVP8 ', 'image/webp'],
    ['\0\0\0\x18ftypmp42', 'video/mp4'],
    ['PK\x03\x04....[Content_Types].xml....word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['PK\x03\x04....notes.txt', 'application/zip'],
  ])('recognises %j', (content, type) => {
    expect(sniffContentType(Buffer.from(content, 'latin1'))).toBe(type);
  });

  it('does not recognise executables, scripts or text, whatever they are called', () => {
    expect(sniffContentType(Buffer.from('MZ\x90\x00\x03', 'latin1'))).toBeUndefined();
    expect(sniffContentType(Buffer.from('\x7fELF\x02\x01', 'latin1'))).toBeUndefined();
    expect(sniffContentType(Buffer.from('#!/bin/sh\nrm -rf /'))).toBeUndefined();
    expect(sniffContentType(Buffer.from('<html><script>'))).toBeUndefined();
    expect(sniffContentType(Buffer.alloc(0))).toBeUndefined();
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
