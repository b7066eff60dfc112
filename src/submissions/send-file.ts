import type { Response } from 'express';
import type { SubmissionFile } from './submission-file.entity';

/** Sends an uploaded file as a download, never rendered inline by the browser, under its sanitised name. */
export function sendFile(res: Response, { file, content, downloadName }: { file: SubmissionFile; content: Buffer; downloadName: string }): void {
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', String(content.length));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.attachment(downloadName);
  res.end(content);
}
