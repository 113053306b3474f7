import { inject } from 'vitest';
import type { StackInfo } from './stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** The stack the integration tests' global setup started (see vitest-global-setup.ts). */
export function testStack(): StackInfo {
  return inject('stack');
}
