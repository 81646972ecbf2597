/** `npm run launch -- --repo <ATT checkout>`: runs the launcher (see cli.ts). */
import { main } from "./cli.ts";

void main(process.argv.slice(2));
