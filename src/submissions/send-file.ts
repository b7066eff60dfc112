import type { Response } from 'express';
import { pipeline } from 'node:stream';
import type { StoredContent } from './file-storage';
import type { SubmissionFile } from './submission-file.entity';

/** Streams an uploaded file as a download, never rendered inline by the browser, under its sanitised name. */
export function sendFile(res: Response, { file, content, downloadName }: { file: SubmissionFile; content: StoredContent; downloadName: string }): void {
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', String(content.size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.attachment(downloadName);
  // A client that goes away mid-download ends the pipeline (both streams are destroyed); there is nothing to answer.
  pipeline(content.stream, res, () => undefined);
}
