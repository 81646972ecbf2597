#!/usr/bin/env node
// Entry for `npx att-agent`: Node 24 runs the TypeScript sources directly.
import { main } from "../src/cli.ts";

main(process.argv.slice(2));
