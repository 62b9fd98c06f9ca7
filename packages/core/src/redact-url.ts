/**
 * A database URL fit to show: the user and password before `@` and every secret-bearing query
 * parameter (tokens, passwords, TLS key and key passphrase) are replaced by `…`.
 * @param url - a libSQL or PostgreSQL URL
 * @returns the URL without its secrets
 */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//…@").replace(/([?&](authToken|token|password|sslpassword|sslkey|sslcert)=)[^&]*/gi, "$1…");
}
