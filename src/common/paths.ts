import { resolve } from 'node:path';

/** The app runs from the repository root (npm start, npm test); templates and assets are found from there. */
export const TEMPLATES_DIR = resolve(process.cwd(), 'templates');
