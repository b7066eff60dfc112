/** Injection token for the PostgreSQL URL in use: DATABASE_URL, or the embedded server's loopback URL. */
export const DATABASE_URL = Symbol('DATABASE_URL');
