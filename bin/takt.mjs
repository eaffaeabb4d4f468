#!/usr/bin/env node
// The `takt` command. Sources are TypeScript run through tsx's loader, so there is no separate build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli.ts');
await main(process.argv);
