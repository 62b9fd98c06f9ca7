import { InputError } from "./errors/mc-error.js";

/**
 * Serializes a JSON value with object keys sorted at every depth, so equal values give equal
 * text (and equal hashes) whatever order their keys were built in. Object members whose value
 * is `undefined` are left out, as JSON.stringify does.
 * @param value - a JSON value: null, boolean, finite number, string, array or plain object
 * @returns compact canonical JSON text
 * @throws InputError when the value holds something JSON cannot carry
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, "");
}

function serialize(value: unknown, path: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw notJson(path, `the number ${String(value)}`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => serialize(item, `${path}[${index}]`)).join(",")}]`;
  }
  if (typeof value === "object" && isPlainObject(value)) {
    const members = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${serialize((value as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`)}`);
    return `{${members.join(",")}}`;
  }
  throw notJson(path, value === undefined ? "undefined" : `a ${typeof value === "object" ? "non-plain object" : typeof value}`);
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function notJson(path: string, what: string): InputError {
  const where = path === "" ? "the arguments" : `argument ${path}`;
  return new InputError(`${where} cannot be stored as JSON: it is ${what}.`, [{ path, message: `not JSON: ${what}` }]);
}
