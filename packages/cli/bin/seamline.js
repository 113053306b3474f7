#!/usr/bin/env node
// The `seamline` command. The workspace runs TypeScript directly through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
