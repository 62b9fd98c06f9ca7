export { canonicalJson } from "@mc/core";
