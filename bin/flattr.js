#!/usr/bin/env node
// The `flattr` command. TypeScript runs through tsx, so there is no build step
// between a fresh `npm install` and a working CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exit(await main(process.argv));
