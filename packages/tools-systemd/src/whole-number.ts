import * as v from "valibot";

/**
 * A whole number from `min` to `max` with the messages every bounded tool input uses.
 * @param min - the smallest value accepted
 * @param max - the largest value accepted
 * @param description - what the number means, for the JSON Schema
 * @returns the valibot schema
 */
export function wholeNumberSchema(min: number, max: number, description: string) {
  return v.pipe(
    v.number("must be a number"),
    v.integer("must be an integer"),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
    v.description(description),
  );
}
