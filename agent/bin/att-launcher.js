#!/usr/bin/env node
// Entry for `npx att-launcher`: Node 24 runs the TypeScript sources directly.
import { main } from "../src/launcher/cli.ts";

main(process.argv.slice(2));
