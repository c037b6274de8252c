/** Ends every exhaustive switch: a case left out stops compiling. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
