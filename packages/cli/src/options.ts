import { InvalidArgumentError } from 'commander';

/** Parses a flag's value as a positive integer, naming the flag when it is not one. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer (got "${value}")`);
    return n;
  };
}
