import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

type FormValue = string | string[] | FormFields | FormFields[];
export interface FormFields {
  [name: string]: FormValue;
}

/** Names inputs as a browser form does: `rubric[0][name]`; repeated checkboxes stay a list under one name. */
function browserFields(fields: FormFields, prefix = ''): Record<string, string | string[]> {
  const flat: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(fields)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
      flat[name] = value as string | string[];
    } else if (Array.isArray(value)) {
      (value as FormFields[]).forEach((row, i) => Object.assign(flat, browserFields(row, `${name}[${i}]`)));
    } else {
      Object.assign(flat, browserFields(value, name));
    }
  }
  return flat;
}

/** A cookie-keeping client that fills forms the way a browser does, CSRF token included. */
export class BrowserSession {
  readonly agent: ReturnType<typeof request.agent>;

  constructor(app: INestApplication) {
    this.agent = request.agent(app.getHttpServer());
  }

  async csrfFrom(path: string): Promise<string> {
    const page = await this.agent.get(path).expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path}`);
    return token;
  }

  /** GETs the form page, then posts `fields` to `action` (default: the same path) with its CSRF token. */
  async submit(formPath: string, fields: FormFields, action = formPath) {
    const csrf = await this.csrfFrom(formPath);
    return this.agent.post(action).type('form').send({ ...browserFields(fields), _csrf: csrf });
  }

  async signIn(email: string, password: string): Promise<void> {
    const response = await this.submit('/sign-in', { email, password });
    if (response.status !== 303) throw new Error(`sign-in failed with ${response.status}`);
  }
}
